"""``nianbao serve``: the web pages and the JSON API over parse, check, render and the corpus."""
