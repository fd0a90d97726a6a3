"""Small-cell suppression for aggregate tables shown to roles without person access.

Primary: a count from 1 to threshold-1 is hidden ("<5"). Complementary: a row or
column that has exactly one hidden cell would let its total give that cell away,
so the smallest other non-zero cell there is hidden too (or, failing that, the
total), repeated until no line has a lone hidden cell.
"""


def suppress(cells, rows, cols, threshold):
    """`cells` maps (row, col) to a count. Returns the set of (row, col) keys to hide;
    the key (row, None) stands for a row total, (None, col) for a column total."""
    hidden = {key for key, n in cells.items() if 0 < n < threshold}
    row_totals = {r: sum(cells.get((r, c), 0) for c in cols) for r in rows}
    col_totals = {c: sum(cells.get((r, c), 0) for r in rows) for c in cols}
    hidden |= {(r, None) for r, n in row_totals.items() if 0 < n < threshold}
    hidden |= {(None, c) for c, n in col_totals.items() if 0 < n < threshold}

    def lines():
        for r in rows:
            yield [(r, c) for c in cols], (r, None)
        for c in cols:
            yield [(r, c) for r in rows], (None, c)
        # The margins form a line of their own against the grand total.
        yield [(r, None) for r in rows], None
        yield [(None, c) for c in cols], None

    totals = {
        **{(r, None): n for r, n in row_totals.items()},
        **{(None, c): n for c, n in col_totals.items()},
    }
    value = {**cells, **totals}
    changed = True
    while changed:
        changed = False
        for members, total_key in lines():
            lone = [k for k in members if k in hidden]
            if len(lone) != 1 or (total_key is not None and total_key in hidden):
                continue
            candidates = sorted(
                (value.get(k, 0), str(k)) for k in members if k not in hidden and value.get(k, 0) > 0
            )
            if candidates:
                pick = next(k for k in members if str(k) == candidates[0][1])
                hidden.add(pick)
            elif total_key is not None:
                hidden.add(total_key)
            else:
                continue
            changed = True
    return hidden
