//! Lexer and recursive-descent parser for XLSForm expressions (see the grammar in the parent
//! module). Tokens are read lazily so that the first problem in the source is the one reported.

use super::{BinOp, Expr, Func, MAX_DEPTH, MAX_LEN, ParseError};

/// A token with the byte offset where it starts.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Str(String),
    Ref(String),
    Dot,
    DotDot,
    Name(String),
    LParen,
    RParen,
    Comma,
    Plus,
    Minus,
    Star,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Eof,
}

impl Tok {
    /// English description for error messages.
    fn describe(&self) -> String {
        match self {
            Self::Num(n) => format!("number `{n}`"),
            Self::Str(s) => format!("string literal `{s}`"),
            Self::Ref(name) => format!("`${{{name}}}`"),
            Self::Dot => "`.`".to_owned(),
            Self::DotDot => "`..`".to_owned(),
            Self::Name(name) => format!("name `{name}`"),
            Self::LParen => "`(`".to_owned(),
            Self::RParen => "`)`".to_owned(),
            Self::Comma => "`,`".to_owned(),
            Self::Plus => "`+`".to_owned(),
            Self::Minus => "`-`".to_owned(),
            Self::Star => "`*`".to_owned(),
            Self::Eq => "`=`".to_owned(),
            Self::Ne => "`!=`".to_owned(),
            Self::Lt => "`<`".to_owned(),
            Self::Le => "`<=`".to_owned(),
            Self::Gt => "`>`".to_owned(),
            Self::Ge => "`>=`".to_owned(),
            Self::Eof => "end of input".to_owned(),
        }
    }
}

/// English description of a character (or the end of input) for error messages.
fn describe_char(c: Option<char>) -> String {
    match c {
        None => "end of input".to_owned(),
        Some(' ') => "a space".to_owned(),
        Some(c) if c.is_whitespace() || c.is_control() => format!("`{}`", c.escape_debug()),
        Some(c) => format!("`{c}`"),
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

/// Characters of function and operator names (XPath `QName`: letters, digits, `_ - . :`).
fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':')
}

/// Characters of XLSForm field names inside `${…}`.
fn is_field_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Parses a whole expression: see [`super::parse`].
pub(super) fn parse(src: &str) -> Result<Expr, ParseError> {
    if src.len() > MAX_LEN {
        return Err(ParseError::TooLong { len: src.len(), max: MAX_LEN });
    }
    let mut parser = Parser { src, pos: 0, peeked: None, depth: 0 };
    let expr = parser.expr()?;
    let (tok, offset) = parser.next()?;
    if tok != Tok::Eof {
        return Err(ParseError::Unexpected { offset, expected: "an operator or end of input", found: tok.describe() });
    }
    Ok(expr)
}

struct Parser<'a> {
    src: &'a str,
    /// Byte offset of the next character to lex.
    pos: usize,
    /// A token lexed by [`Parser::peek`] and not yet consumed.
    peeked: Option<(Tok, usize)>,
    /// Current nesting of parentheses, function calls and unary minus signs.
    depth: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Consumes `c` if it is the next character.
    fn eat_char(&mut self, c: char) -> bool {
        if self.peek_char() == Some(c) {
            self.pos += c.len_utf8();
            true
        } else {
            false
        }
    }

    /// Consumes characters while `pred` holds and returns them.
    fn take_while(&mut self, pred: impl Fn(char) -> bool) -> &str {
        let start = self.pos;
        let len = self.rest().find(|c: char| !pred(c)).unwrap_or(self.rest().len());
        self.pos += len;
        self.src.get(start..self.pos).unwrap_or("")
    }

    /// Lexes the next token.
    fn lex(&mut self) -> Result<(Tok, usize), ParseError> {
        self.take_while(char::is_whitespace);
        let start = self.pos;
        let Some(c) = self.peek_char() else {
            return Ok((Tok::Eof, start));
        };
        self.pos += c.len_utf8();
        let tok = match c {
            '$' => {
                if !self.eat_char('{') {
                    return Err(ParseError::Unexpected {
                        offset: self.pos,
                        expected: "`{` after `$`",
                        found: describe_char(self.peek_char()),
                    });
                }
                if !self.peek_char().is_some_and(is_name_start) {
                    return Err(ParseError::Unexpected {
                        offset: self.pos,
                        expected: "a field name",
                        found: describe_char(self.peek_char()),
                    });
                }
                let name = self.take_while(is_field_char).to_owned();
                if !self.eat_char('}') {
                    return Err(ParseError::Unexpected {
                        offset: self.pos,
                        expected: "`}` closing the field reference",
                        found: describe_char(self.peek_char()),
                    });
                }
                Tok::Ref(name)
            }
            '.' if self.eat_char('.') => Tok::DotDot,
            '.' if self.peek_char().is_some_and(|c| c.is_ascii_digit()) => self.number(start)?,
            '.' => Tok::Dot,
            '0'..='9' => self.number(start)?,
            '\'' | '"' => {
                let Some(len) = self.rest().find(c) else {
                    return Err(ParseError::UnterminatedString { offset: start, quote: c });
                };
                let text = self.rest().get(..len).unwrap_or("").to_owned();
                self.pos += len + c.len_utf8();
                Tok::Str(text)
            }
            '(' => Tok::LParen,
            ')' => Tok::RParen,
            ',' => Tok::Comma,
            '+' => Tok::Plus,
            '-' => Tok::Minus,
            '*' => Tok::Star,
            '=' => Tok::Eq,
            '!' => {
                if !self.eat_char('=') {
                    return Err(ParseError::Unexpected {
                        offset: start,
                        expected: "`!=` (XPath negates with `not(…)`)",
                        found: "`!`".to_owned(),
                    });
                }
                Tok::Ne
            }
            '<' if self.eat_char('=') => Tok::Le,
            '<' => Tok::Lt,
            '>' if self.eat_char('=') => Tok::Ge,
            '>' => Tok::Gt,
            c if is_name_start(c) => {
                self.pos = start;
                Tok::Name(self.take_while(is_name_char).to_owned())
            }
            c => {
                return Err(ParseError::Unexpected {
                    offset: start,
                    expected: "an operand or an operator",
                    found: describe_char(Some(c)),
                });
            }
        };
        Ok((tok, start))
    }

    /// Lexes a number starting at `start` (the first character is already consumed).
    fn number(&mut self, start: usize) -> Result<Tok, ParseError> {
        self.pos = start;
        self.take_while(|c| c.is_ascii_digit());
        if self.eat_char('.') {
            self.take_while(|c| c.is_ascii_digit());
        }
        let text = self.src.get(start..self.pos).unwrap_or("");
        text.parse::<f64>().map(Tok::Num).map_err(|_| ParseError::Unexpected {
            offset: start,
            expected: "a number",
            found: format!("`{text}`"),
        })
    }

    fn peek(&mut self) -> Result<&Tok, ParseError> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lex()?);
        }
        match &self.peeked {
            Some((tok, _)) => Ok(tok),
            None => Ok(&Tok::Eof),
        }
    }

    fn next(&mut self) -> Result<(Tok, usize), ParseError> {
        match self.peeked.take() {
            Some(t) => Ok(t),
            None => self.lex(),
        }
    }

    /// Consumes the next token, which must be `want`.
    fn expect(&mut self, want: &Tok, expected: &'static str) -> Result<(), ParseError> {
        let (tok, offset) = self.next()?;
        if &tok == want { Ok(()) } else { Err(ParseError::Unexpected { offset, expected, found: tok.describe() }) }
    }

    /// Enters `levels` more levels of nesting, failing beyond [`MAX_DEPTH`].
    fn enter(&mut self, levels: usize, offset: usize) -> Result<(), ParseError> {
        self.depth += levels;
        if self.depth > MAX_DEPTH { Err(ParseError::TooDeep { offset, max: MAX_DEPTH }) } else { Ok(()) }
    }

    /// A whole expression at the current nesting level, by operator-precedence parsing: binary
    /// operators of all levels are handled in this loop, so only parentheses and function calls
    /// recurse (and count toward [`MAX_DEPTH`]).
    fn expr(&mut self) -> Result<Expr, ParseError> {
        // Operands, each with the precedence of the chain it is if that chain may still be
        // extended (it was built here, not parenthesised).
        let mut operands: Vec<(Expr, Option<u8>)> = vec![(self.unary()?, None)];
        let mut operators: Vec<BinOp> = Vec::new();
        while let Some(op) = self.binop()? {
            self.next()?;
            while operators.last().is_some_and(|top| top.precedence() >= op.precedence()) {
                reduce(&mut operands, &mut operators);
            }
            operators.push(op);
            operands.push((self.unary()?, None));
        }
        while !operators.is_empty() {
            reduce(&mut operands, &mut operators);
        }
        Ok(operands.pop().map_or(Expr::Num(f64::NAN), |(e, _)| e))
    }

    /// The binary operator that comes next, if any.
    fn binop(&mut self) -> Result<Option<BinOp>, ParseError> {
        Ok(Some(match self.peek()? {
            Tok::Name(name) if name == "or" => BinOp::Or,
            Tok::Name(name) if name == "and" => BinOp::And,
            Tok::Eq => BinOp::Eq,
            Tok::Ne => BinOp::Ne,
            Tok::Lt => BinOp::Lt,
            Tok::Le => BinOp::Le,
            Tok::Gt => BinOp::Gt,
            Tok::Ge => BinOp::Ge,
            Tok::Plus => BinOp::Add,
            Tok::Minus => BinOp::Sub,
            Tok::Star => BinOp::Mul,
            Tok::Name(name) if name == "div" => BinOp::Div,
            Tok::Name(name) if name == "mod" => BinOp::Mod,
            _ => return Ok(None),
        }))
    }

    fn unary(&mut self) -> Result<Expr, ParseError> {
        let mut minuses = 0;
        while self.peek()? == &Tok::Minus {
            let (_, offset) = self.next()?;
            minuses += 1;
            self.enter(1, offset)?;
        }
        let mut expr = self.primary()?;
        for _ in 0..minuses {
            expr = Expr::Neg(Box::new(expr));
        }
        self.depth -= minuses;
        Ok(expr)
    }

    fn primary(&mut self) -> Result<Expr, ParseError> {
        let (tok, offset) = self.next()?;
        match tok {
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Ref(name) => Ok(Expr::Ref(name)),
            Tok::Dot => Ok(Expr::Current),
            Tok::LParen => {
                self.enter(1, offset)?;
                let inner = self.expr()?;
                self.expect(&Tok::RParen, "`)` or an operator")?;
                self.depth -= 1;
                Ok(inner)
            }
            Tok::Name(name) if self.peek()? == &Tok::LParen => {
                self.next()?;
                self.enter(1, offset)?;
                let expr = self.call(name, offset)?;
                self.depth -= 1;
                Ok(expr)
            }
            Tok::Name(name) => Ok(Expr::Column(name)),
            tok => Err(ParseError::Unexpected { offset, expected: "an operand", found: tok.describe() }),
        }
    }

    /// A function call after its `(`; `name` starts at `offset`.
    fn call(&mut self, name: String, offset: usize) -> Result<Expr, ParseError> {
        if name == "position" {
            self.expect(&Tok::DotDot, "`..` (only `position(..)` is supported)")?;
            self.expect(&Tok::RParen, "`)`")?;
            return Ok(Expr::Position);
        }
        let Some(func) = Func::from_name(&name) else {
            return Err(ParseError::UnknownFunction { offset, name });
        };
        let mut args = Vec::new();
        if self.peek()? == &Tok::RParen {
            self.next()?;
        } else {
            loop {
                args.push(self.expr()?);
                let (tok, at) = self.next()?;
                match tok {
                    Tok::Comma => {}
                    Tok::RParen => break,
                    tok => {
                        return Err(ParseError::Unexpected {
                            offset: at,
                            expected: "`,`, `)` or an operator",
                            found: tok.describe(),
                        });
                    }
                }
            }
        }
        let (min, max) = func.arity();
        if args.len() < min || max.is_some_and(|max| args.len() > max) {
            return Err(ParseError::Arity {
                offset,
                name: func.name(),
                expected: describe_arity(min, max),
                found: args.len(),
            });
        }
        Ok(Expr::Call { func, args })
    }
}

/// Applies the top operator to the two top operands, extending the left operand's chain when it
/// has the same precedence (so `a - b - c` is one [`Expr::Binary`] with two steps).
fn reduce(operands: &mut Vec<(Expr, Option<u8>)>, operators: &mut Vec<BinOp>) {
    let (Some(op), Some((rhs, _)), Some((lhs, lhs_level))) = (operators.pop(), operands.pop(), operands.pop()) else {
        return;
    };
    let level = op.precedence();
    let chain = match lhs {
        Expr::Binary { first, mut rest } if lhs_level == Some(level) => {
            rest.push((op, rhs));
            Expr::Binary { first, rest }
        }
        lhs => Expr::Binary { first: Box::new(lhs), rest: vec![(op, rhs)] },
    };
    operands.push((chain, Some(level)));
}

/// `2 arguments`, `1 or 2 arguments`, `at least 1 argument`…
fn describe_arity(min: usize, max: Option<usize>) -> String {
    let plural = |n: usize| if n == 1 { "argument" } else { "arguments" };
    match max {
        Some(0) => "no arguments".to_owned(),
        Some(max) if max == min => format!("{min} {}", plural(min)),
        Some(max) if max == min + 1 => format!("{min} or {max} arguments"),
        Some(max) => format!("{min} to {max} arguments"),
        None => format!("at least {min} {}", plural(min)),
    }
}
