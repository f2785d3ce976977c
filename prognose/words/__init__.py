"""Words at the edge: what the engine says to a person, in the reader's language.

Computing code says things as data — a `Message` (message.py): a key and the facts it is about —
and never chooses a language. The words live in one catalogue per language (da.py, en.py); a
`Locale` (locale.py) is made where output is written and turns keys into words and numbers,
money and dates into text the way that language writes them. Nothing below the commands takes
a language.
"""

LANGS = ("da", "en")
