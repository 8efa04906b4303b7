"""Turn source files (HTML pages, text, JSON records) into index documents."""
