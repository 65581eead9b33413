"""The detection engine: detectors → evidence → scorer → assessment."""
