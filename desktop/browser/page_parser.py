"""Read what a browser reads from a page: the form's CSRF token, field errors and the title."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageInfo:
    """What the window needs from a page's HTML."""

    title: str = ""
    csrf_token: str | None = None
    has_login_form: bool = False
    #: Field name ("userid", "passwd", "csrf_token") to its error messages; "page" for an
    #: error page's message.
    errors: dict[str, list[str]] = field(default_factory=dict)
    #: The first form's action, method and named inputs (hidden ones included).
    form_action: str | None = None
    form_method: str = "GET"
    form_fields: dict[str, str] = field(default_factory=dict)
    #: Whether the login form offers "Remember me" (the lab's switch).
    offers_remember: bool = False
    #: The page's links (``href``) and embedded images (``src``), in order.
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.info = PageInfo()
        self._in_title = False
        self._error_field: str | None = None
        self._in_item = False
        self._in_page_error = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "form" and not self.info.has_login_form:
            self.info.has_login_form = True
            self.info.form_action = attributes.get("action") or ""
            self.info.form_method = (attributes.get("method") or "GET").upper()
        elif tag == "a" and attributes.get("href"):
            self.info.links.append(attributes["href"])
        elif tag == "img" and attributes.get("src"):
            self.info.images.append(attributes["src"])
        elif tag == "input" and attributes.get("name") == "remember":
            self.info.offers_remember = True  # a box: sent only when ticked
        elif tag == "input" and attributes.get("name"):
            self.info.form_fields.setdefault(attributes["name"], attributes.get("value") or "")
            if attributes["name"] == "csrf_token":
                self.info.csrf_token = attributes.get("value")
        elif tag == "ul" and (attributes.get("id") or "").endswith("-errors"):
            self._error_field = attributes["id"].removesuffix("-errors")
            self.info.errors.setdefault(self._error_field, [])
        elif tag == "p" and "errors" in (attributes.get("class") or "").split():
            self._in_page_error = True
            self.info.errors.setdefault("page", []).append("")
        elif tag == "li" and self._error_field:
            self._in_item = True
            self.info.errors[self._error_field].append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "ul":
            self._error_field = None
        elif tag == "li":
            self._in_item = False
        elif tag == "p":
            self._in_page_error = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.info.title += data
        elif self._in_item and self._error_field:
            self.info.errors[self._error_field][-1] += data
        elif self._in_page_error:
            self.info.errors["page"][-1] += data


def parse_page(html: str) -> PageInfo:
    """Return what ``html`` holds; malformed HTML gives what could be read, never an error."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.info
