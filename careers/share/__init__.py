"""
A career's share image: the card a link to its page shows on social sites
and in chats (og:image). What it shows and where it is stored (images), and
how it is drawn (drawing).
"""
