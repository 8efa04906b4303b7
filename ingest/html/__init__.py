"""Read a saved web page of an article: its text and metadata, without the site around it.

Saved pages come in several CMS shapes: WordPress themes, Joomla 3, hand-made
provincial portals with table layouts (like the association's own site).
Reading one goes in steps, each a module that takes what the step before it
found:

- parse: the page's text to a tree, its <meta>, canonical URL and updater
  line, with code and related-links blocks removed;
- vocabulary: the tags and class names that mark furniture (menus, share
  buttons, comments, sidebars, related links, footers: all but the article);
- page: the element that holds the article's text (the "root"), the scope
  around it, and which elements are furniture;
- title, issued, author: what the page says about the article;
- serialize and body: the article's paragraphs, written out without the
  site's lines.
"""

from ingest.html.parse import NO_TEXT
from ingest.html.reader import read_html

__all__ = ["NO_TEXT", "read_html"]
