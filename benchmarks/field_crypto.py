"""Field encryption cost: AES-256-GCM and SM4-GCM against an HMAC-only baseline."""

from tongyou.privacy import crypto
from tongyou.privacy.blind_index import blind_index
from tongyou.privacy.keys import keyring

VALUES = [f"1501042015{n:08d}" for n in range(20_000)]


def run(best_of, **_):
    aes, sm4 = keyring().get("test-aes"), keyring().get("test-sm4")
    baseline = best_of(lambda: [blind_index(v, "bench") for v in VALUES])
    t_aes = best_of(lambda: [crypto.encrypt(v, "bench", key=aes) for v in VALUES])
    t_sm4 = best_of(lambda: [crypto.encrypt(v, "bench", key=sm4) for v in VALUES])
    sealed = [crypto.encrypt(v, "bench", key=aes) for v in VALUES]
    t_dec = best_of(lambda: [crypto.decrypt(s, "bench") for s in sealed])
    n = len(VALUES)
    return [
        "field encryption (20,000 ID numbers), baseline = HMAC blind index of the same values:",
        f"  baseline HMAC          {baseline * 1e6 / n:7.2f} µs/value  1.00×",
        f"  AES-256-GCM encrypt    {t_aes * 1e6 / n:7.2f} µs/value  {t_aes / baseline:.2f}×",
        f"  SM4-GCM encrypt        {t_sm4 * 1e6 / n:7.2f} µs/value  {t_sm4 / baseline:.2f}×",
        f"  AES-256-GCM decrypt    {t_dec * 1e6 / n:7.2f} µs/value  {t_dec / baseline:.2f}×",
        "",
    ]
