"""Errors a reader of the course can act on."""


class DataError(ValueError):
    """A table in ``data/`` does not match its documented shape.

    The message names the file, the line and the column and says what was
    expected, so that whoever edits a CSV can fix it without reading a pandas
    traceback.
    """

    def __init__(self, path, message, line=None, column=None):
        self.path = str(path)
        self.line = line
        self.column = column
        self.reason = message
        where = self.path
        if line is not None:
            where += f", line {line}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")
