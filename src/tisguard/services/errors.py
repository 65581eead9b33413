"""The one error type services raise for bad input: it names the field; the web app answers 422."""


class FieldError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
