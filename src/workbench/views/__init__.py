"""Views: plain-Python controllers (testable without a browser) and thin ipywidgets over them."""
