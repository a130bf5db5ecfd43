#!/usr/bin/env python3
import codecs
import html
import sys
import urllib.parse


def main():
    args = sys.argv[1:]
    if args[0] == "--url":
        print(urllib.parse.unquote(args[1]))
    elif args[0] == "--html":
        print(html.unescape(args[1]))
    elif args[0] == "--encode":
        kind, text = args[1], args[2]
        if kind == "hex":
            print("".join(f"\\x{b:02x}" for b in text.encode()))
        elif kind == "octal":
            print("".join(f"\\{b:03o}" for b in text.encode()))
        elif kind == "url":
            print(urllib.parse.quote(text, safe=""))
    else:
        print(codecs.decode(args[0].encode("latin-1", "backslashreplace"), "unicode_escape"))


if __name__ == "__main__":
    main()
