"""How long preparing an article takes as it grows: it must grow in proportion to the text.

Prepares generated articles of about 50 KB, 200 KB and 1.9 MB as Markdown, plain text and
HTML (read, extract, split into sentences, spoken forms) and prints the time of each.

    .venv/bin/python bench/prepare_speed.py [--sizes 50,200,1900] [--kinds md,txt,html]
"""

from __future__ import annotations

import argparse
import html
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from article_gen import Article, make_article

from narration.config import Settings
from narration.prepare.load import load_article

BYTES_PER_WORD = 6.3


def as_text(article: Article) -> str:
    out = [article.title, "", f"By {article.author}", "", " ".join(article.lede), ""]
    for section in article.sections:
        out += [section.heading, ""]
        out += [" ".join(p) + "\n" for p in section.paragraphs]
    return "\n".join(out)


def as_html(article: Article) -> str:
    lede = html.escape(" ".join(article.lede))
    body = [f"<h1>{html.escape(article.title)}</h1>", f"<p>{lede}</p>"]
    for section in article.sections:
        body.append(f"<h2>{html.escape(section.heading)}</h2>")
        body += [f"<p>{html.escape(' '.join(p))}</p>" for p in section.paragraphs]
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{html.escape(article.title)}</title>"
        f"</head><body><article>{''.join(body)}</article></body></html>"
    )


RENDER = {"md": Article.markdown, "txt": as_text, "html": as_html}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="50,200,1900", help="sizes in KB")
    parser.add_argument("--kinds", default="md,txt,html")
    args = parser.parse_args()
    settings = Settings()
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            article = make_article(int(size * 1000 / BYTES_PER_WORD), sections=6)
            for kind in args.kinds.split(","):
                path = Path(tmp) / f"article-{size}.{kind}"
                path.write_text(RENDER[kind](article), encoding="utf-8")
                start = time.perf_counter()
                prepared = load_article(str(path), settings)
                took = time.perf_counter() - start
                sentences = sum(len(s.sentences) for s in prepared.sections)
                kb = path.stat().st_size / 1000
                print(f"{kind:<5} {kb:>8.0f} KB  {sentences:>7} sentences  {took:>7.2f} s")


if __name__ == "__main__":
    main()
