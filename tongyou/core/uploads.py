"""What an uploaded file is, read from its first bytes: a file's name and declared type are the
sender's word, its content is not."""

PDF = {b"%PDF": "application/pdf"}
IMAGES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG": "image/png"}
# Word and Excel (.docx, .xlsx) are ZIP containers.
OFFICE = {b"PK\x03\x04": "application/zip"}


def sniff(content, allowed):
    """The content type of `content` among `allowed` ({signature: type}), or None."""
    return next((kind for signature, kind in allowed.items() if content.startswith(signature)), None)
