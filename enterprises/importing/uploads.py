"""Refusing an oversized upload before it is read (a 200 MB file must not fill the disk first)."""

from django.core.files.uploadhandler import FileUploadHandler, StopUpload

from .services import max_import_bytes


class ImportSizeLimitHandler(FileUploadHandler):
    """Counts the bytes of an upload and stops reading past the import limit.

    The view refuses a request whose declared Content-Length is already too
    large; this handler is for a body that does not declare its length.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > max_import_bytes():
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None
