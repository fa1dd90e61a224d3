"""Headless evaluation: `aria eval --arc` and `aria eval --rescore`."""
