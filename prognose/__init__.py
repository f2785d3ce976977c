"""prognose: year-end forecasts for the specialised adult social area of Danish municipalities."""

__version__ = "0.1.0"
