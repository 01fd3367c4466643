"""The expressions and strings of the fast HCL reader (``reader``).

Operators by precedence, conditionals, function calls, traversals (attribute
access, indexes, splats), tuples, objects, ``for`` expressions, quoted strings
with interpolations, heredocs. Template directives (``%{ if }``) and strip
markers make a string ``Opaque``: its value is not read.
"""

from __future__ import annotations

import re

from .nodes import (
    Call,
    Conditional,
    For,
    Lit,
    Object,
    Opaque,
    Operation,
    Traversal,
    Tuple,
    add_text,
    heredoc_node,
    string_node,
    unescape,
)
from .reader_scan import NAME, Scanner

_STRING_SPECIAL = re.compile(r'[\\"\n$%]')
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n")
_PRECEDENCE = {"||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4, "+": 5, "-": 5,
               "*": 6, "/": 6, "%": 6}
_OPERATOR = re.compile(r"\|\||&&|==|!=|<=|>=|<(?!<)|>|\+|-|\*|/(?![/*])|%")
_BINARY_START = ("||", "&&", "==", "!=", "<", ">", "+", "*", "/", "%", "?")
_KEYWORDS = {"true": True, "false": False, "null": None}


class Expressions(Scanner):
    # -- expressions ---------------------------------------------------------------------------
    def expression(self, depth: int):
        """An expression; inside brackets (``depth`` > 0) line ends are blanks."""
        start = self.i
        cond = self.binary(depth)
        save = self.i
        self.ws(depth > 0)
        if depth == 0 and self.i < self.n and self.s[self.i] == "\n":
            self.continuation()
        if self.peek("?"):
            self.i += 1
            self.ws(True)
            then = self.expression(depth + 1)
            self.ws(True)
            self.expect(":")
            self.ws(True)
            other = self.expression(depth)
            return Conditional(cond, then, other, self.span(start, self.i), self.s[start:self.i])
        self.i = save
        return cond

    def continuation(self) -> None:
        """A line end followed by a binary operator or `?` continues the expression."""
        j = self.i
        while j < self.n and self.s[j] in " \t\r\n":
            j += 1
        if self.s.startswith(_BINARY_START, j) and not self.s.startswith(("//", "/*"), j):
            self.i = j

    def binary(self, depth: int, min_prec: int = 1):
        """Operands joined by binary operators, by precedence (left-associative)."""
        start = self.i
        left = self.unary(depth)
        while True:
            save = self.i
            self.ws(depth > 0)
            if depth == 0 and self.i < self.n and self.s[self.i] == "\n":
                self.continuation()
            m = _OPERATOR.match(self.s, self.i)
            if m is None or _PRECEDENCE[m.group()] < min_prec:
                self.i = save
                break
            op = m.group()
            self.i = m.end()
            self.ws(True)
            right = self.binary(depth, _PRECEDENCE[op] + 1)
            left = Operation(op, (left, right), self.span(start, self.i), self.s[start:self.i])
        return left

    def unary(self, depth: int):
        start = self.i
        if self.peek("-"):
            self.i += 1
            self.ws()
            if self.i < self.n and self.s[self.i].isdigit():
                number = self.primary(depth)
                literal = Lit(-number.value, self.at(start) + number.pos[2:])
                return self.postfix(literal, start, depth)
            self.i = start
        if self.peek("-") or self.peek("!"):
            op = self.s[self.i]
            self.i += 1
            self.ws()
            inner = self.i
            operand = self.postfix(self.primary(depth), inner, depth)
            return Operation(op, (operand,), self.span(start, self.i), self.s[start:self.i])
        return self.postfix(self.primary(depth), start, depth)

    def primary(self, depth: int):
        s, start = self.s, self.i
        if start >= self.n:
            self.fail("expected an expression")
        c = s[start]
        if c == '"':
            return self.string()
        if c == "<" and s.startswith("<<", start):
            return self.heredoc()
        if c.isdigit():
            m = _NUMBER.match(s, start)
            if m is None:  # a digit outside 0-9 (str.isdigit: `²`, `٣`)
                self.fail("expected an expression")
            self.i = m.end()
            text = m.group()
            value = float(text) if any(ch in text for ch in ".eE") else int(text)
            return Lit(value, self.span(start, self.i))
        if c == "[":
            return self.tuple_or_for()
        if c == "{":
            return self.object_or_for()
        if c == "(":
            self.i += 1
            self.ws(True)
            inner = self.expression(depth + 1)
            self.ws(True)
            self.expect(")")
            return ("paren", inner, self.span(start, self.i))
        m = NAME.match(s, start)
        if not m:
            self.fail("expected an expression")
        name = m.group()
        self.i = m.end()
        if name in _KEYWORDS:
            return Lit(_KEYWORDS[name], self.span(start, self.i))
        j = self.i
        self.ws()
        if self.peek("::") or self.peek("("):
            return self.call(name, start)
        self.i = j
        return Traversal((name,), self.span(start, self.i), name)

    def call(self, name: str, start: int):
        while self.peek("::"):
            self.i += 2
            m = NAME.match(self.s, self.i)
            if not m:
                self.fail("expected a function name")
            name += "::" + m.group()
            self.i = m.end()
        self.ws()
        self.expect("(")
        args = self.items(")", expand=True)
        return Call(name, tuple(args), self.span(start, self.i), self.s[start:self.i])

    def items(self, closer: str, expand: bool = False) -> list:
        """Expressions separated by commas up to ``closer`` (read too); ``expand``: a
        function call's arguments, where ``...`` may follow one."""
        out = []
        while True:
            self.ws(True)
            if self.peek(closer):
                break
            out.append(self.expression(1))
            self.ws(True)
            if self.peek(","):
                self.i += 1
            elif expand and self.peek("..."):
                self.i += 3
            elif not self.peek(closer):
                self.fail(f"expected ',' or '{closer}'")
        self.i += 1
        return out

    def postfix(self, base, start: int, depth: int):
        """Attribute access, indexes and splats after ``base``."""
        inner = base[1] if isinstance(base, tuple) and base and base[0] == "paren" else base
        steps: list | None = list(inner.steps) if isinstance(inner, Traversal) and not inner.splat else None
        splat = False
        touched = False
        while True:
            save = self.i
            if self.peek(".*"):
                self.i += 2
                splat = touched = True
                continue
            if self.peek("[*]"):
                self.i += 3
                splat = touched = True
                continue
            if self.peek(".") and not self.peek("..."):
                self.i += 1
                m = NAME.match(self.s, self.i) or re.compile(r"[0-9]+").match(self.s, self.i)
                if not m:
                    self.i = save
                    break
                self.i = m.end()
                word = m.group()
                if steps is not None:
                    steps.append(int(word) if word.isdigit() else word)
                touched = True
                continue
            if self.peek("["):
                self.i += 1
                self.ws(True)
                index = self.expression(depth + 1)
                self.ws(True)
                self.expect("]")
                if steps is not None:
                    if isinstance(index, Lit) and isinstance(index.value, (int, str)) and not isinstance(index.value, bool):
                        steps.append(index.value)
                    else:
                        steps = None
                touched = True
                continue
            break
        if not touched:
            return inner
        if steps is None:
            return Opaque(self.span(start, self.i), self.s[start:self.i])
        return Traversal(tuple(steps), self.span(start, self.i), self.s[start:self.i], splat)

    def tuple_or_for(self):
        start = self.i
        self.i += 1
        self.ws(True)
        if self._for_keyword():
            return self.for_expr(start, "]")
        items = self.items("]")
        return Tuple(tuple(items), self.span(start, self.i))

    def object_or_for(self):
        start = self.i
        self.i += 1
        self.ws(True)
        if self._for_keyword():
            return self.for_expr(start, "}")
        items = []
        while True:
            self.ws(True)
            if self.peek("}"):
                break
            kstart = self.i
            key_expr = self.expression(1)
            key_pos = self.span(kstart, self.i)
            self.ws()
            if self.peek("=") and not self.peek("==") and not self.peek("=>") or self.peek(":"):
                self.i += 1
            else:
                self.fail("expected '=' or ':'")
            self.ws(True)
            value = self.expression(1)
            items.append((_object_key(key_expr), key_pos, value))
            heredoc_ended = self.s[self.i - 1] == "\n"
            self.ws()
            if self.peek(","):
                self.i += 1
            elif not (self.peek("}") or self.peek("\n") or self.peek("#") or self.peek("//") or heredoc_ended):
                self.fail("expected ',', a new line or '}'")
        self.i += 1
        return Object(tuple(items), self.span(start, self.i))

    def _for_keyword(self) -> bool:
        m = NAME.match(self.s, self.i)
        return m is not None and m.group() == "for" and self.s[m.end():m.end() + 1] in (" ", "\t", "\n", "\r")

    def for_expr(self, start: int, closer: str):
        """``[for v in c : e if x]`` / ``{for k, v in c : key => e... if x}`` (after the bracket)."""
        self.i += 3
        self.ws(True)
        names = []
        while True:
            m = NAME.match(self.s, self.i)
            if not m:
                self.fail("expected a name after 'for'")
            names.append(m.group())
            self.i = m.end()
            self.ws(True)
            if self.peek(",") and len(names) == 1:
                self.i += 1
                self.ws(True)
                continue
            break
        if not (self.peek("in") and not NAME.match(self.s, self.i + 2)):
            self.fail("expected 'in'")
        self.i += 2
        self.ws(True)
        collection = self.expression(1)
        self.ws(True)
        self.expect(":")
        self.ws(True)
        key = None
        if closer == "}":
            key = self.expression(1)
            self.ws(True)
            self.expect("=>")
            self.ws(True)
        value = self.expression(1)
        self.ws(True)
        grouping = False
        if closer == "}" and self.peek("..."):
            self.i += 3
            grouping = True
            self.ws(True)
        cond = None
        m = NAME.match(self.s, self.i)
        if m and m.group() == "if":
            self.i = m.end()
            self.ws(True)
            cond = self.expression(1)
            self.ws(True)
        self.expect(closer)
        key_var, value_var = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        return For("object" if closer == "}" else "tuple", key_var, value_var, collection, key, value, cond,
                   grouping, self.span(start, self.i), self.s[start:self.i])

    # -- strings ---------------------------------------------------------------------------------
    def string(self):
        s, start = self.s, self.i
        self.i += 1
        parts: list = []
        chunk_start = self.i
        opaque = False

        def flush(end):
            raw = s[chunk_start:end]
            if raw:
                add_text(parts, unescape(raw))

        while True:
            m = _STRING_SPECIAL.search(s, self.i)
            if m is None:
                self.i = self.n
                self.fail("unterminated string")
            self.i = m.start()
            c = m.group()
            if c == "\n":
                self.fail("unterminated string")
            if c == "\\":
                self.i += 2
                continue
            if c == '"':
                flush(self.i)
                self.i += 1
                break
            if s.startswith("$${", self.i) or s.startswith("%%{", self.i):
                flush(self.i)
                close = s.find("}", self.i)
                if close < 0:
                    self.fail("unterminated escape")
                literal = s[self.i + 1:close + 1]
                add_text(parts, literal)
                self.i = close + 1
                chunk_start = self.i
                continue
            if s.startswith("${", self.i) or s.startswith("%{", self.i):
                flush(self.i)
                directive = s[self.i] == "%"
                self.i += 2
                self.ws(True)
                if s.startswith("~", self.i):
                    self.i += 1
                    opaque = True
                if directive:
                    opaque = True
                    self._skip_directive()
                else:
                    parts.append(self.expression(1))
                    self.ws(True)
                    if s.startswith("~", self.i):
                        self.i += 1
                        opaque = True
                    self.expect("}")
                chunk_start = self.i
                continue
            self.i += 1  # a lone `$` or `%`
        pos = self.span(start, self.i)
        if opaque:
            return Opaque(pos, s[start:self.i])
        return string_node(parts, pos, s[start:self.i])

    def _skip_directive(self) -> None:
        depth = 1
        while self.i < self.n:
            c = self.s[self.i]
            if c == '"':
                self.string()
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    self.i += 1
                    return
            self.i += 1
        self.fail("unterminated template directive")

    def heredoc(self):
        s, start = self.s, self.i
        m = _HEREDOC.match(s, start)
        if not m:
            self.fail("expected a heredoc")
        trim, marker = m.group(1) == "-", m.group(2)
        body_start = m.end()
        closing = re.compile(r"^[ \t]*" + re.escape(marker) + r"\r?$", re.MULTILINE)
        c = closing.search(s, body_start)
        if not c:
            self.fail("unterminated heredoc")
        end = c.end()
        if end < self.n and s[end] == "\n":
            end += 1
        self.i = end
        lines = s[body_start:c.start()].split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return heredoc_node(lines, trim, self.span(start, end), s[start:end])




def _object_key(expr):
    if isinstance(expr, Traversal) and len(expr.steps) == 1 and not expr.splat:
        return expr.steps[0]
    if isinstance(expr, Lit) and isinstance(expr.value, str):
        return expr.value
    return None
