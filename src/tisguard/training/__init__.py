"""Training the category model (scikit-learn at training time only) and measuring it by cross-validation
through the whole engine. Above `detect` (whose model and features it fits) and beside `pipeline`."""
