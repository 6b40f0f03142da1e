//! Expressions: `or` < `and` < `not` < comparison < `+ -` < primary.
//!
//! `and`/`or` chains are folded into a balanced tree, other operator chains
//! left-associatively without recursion, and the depth of the resulting tree is bounded so that no later stage
//! (or dropping the tree) can overflow the stack, and so that the plan
//! written from it stays readable by JSON parsers with a nesting limit
//! (serde_json's default is 128).
//!
//! The depth is counted as the plan's JSON nests: one level per operator,
//! `not`, `is set` and event query; two for an `and`/`or` chain of any
//! length (the plan lists a chain's operands in one array); two for a literal or a property path (their plan
//! objects hold an object or an array); two for a list.

use crate::diagnostics::codes::syntax as codes;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{ArithOp, CompareOp, Expr, ExprKind, Ident, StringOp, ValueKind, Window};
use crate::syntax::build::{Builder, Built};
use crate::syntax::parser::{Rule, P};

/// The deepest expression accepted, counted as the plan's JSON nests (see
/// the module comment). A plan puts an expression at most 6 levels deep,
/// so a plan stays within 128 levels.
pub const MAX_EXPR_DEPTH: u32 = 100;

/// An expression and the depth of its tree.
type Deep = (Expr, u32);

impl Builder<'_> {
    /// Builds an `expr` pair.
    pub fn expr(&mut self, p: P<'_>) -> Built<Expr> {
        Ok(self.expr_deep(p)?.0)
    }

    fn check_depth(&self, depth: u32, p: &P<'_>) -> Built<()> {
        if depth <= MAX_EXPR_DEPTH {
            return Ok(());
        }
        Err(Box::new(
            Diagnostic::error(
                codes::NESTING_TOO_DEEP,
                format!("expression too deeply nested: more than {MAX_EXPR_DEPTH} levels deep"),
                self.span(p),
            )
            .with_primary_label("this expression")
            .with_help(
                "split the condition into named segments and combine those \
                 (each operator, `not` and `where` counts as a level, an `and`/`or` chain as two)",
            ),
        ))
    }

    fn expr_deep(&mut self, p: P<'_>) -> Built<Deep> {
        crate::stack::deep(|| match p.as_rule() {
            Rule::expr | Rule::and_expr => self.chain(p),
            Rule::not_expr => self.not_expr(p),
            Rule::comparison => self.comparison(p),
            Rule::arith => self.arith(p),
            _ => self.primary(p),
        })
    }

    /// `a or b or c` / `a and b and c`.
    ///
    /// The plan lists a chain's operands in one array, so a chain of any
    /// length is two levels deeper than its deepest operand. The tree here
    /// is binary; it is folded balanced (depth log2 of the operand count),
    /// so a long flat chain never makes a deep tree for the later stages.
    /// `and`/`or` are associative and every stage reads the operands left
    /// to right, so the shape changes nothing else.
    fn chain(&mut self, p: P<'_>) -> Built<Deep> {
        let is_or = p.as_rule() == Rule::expr;
        let whole = p.clone();
        let mut parts = self.parts(p);
        let (first, mut depth) = self.expr_deep(parts.need_any()?)?;
        let mut operands = vec![first];
        for part in parts {
            let (e, d) = self.expr_deep(part)?;
            depth = depth.max(d);
            operands.push(e);
        }
        if operands.len() > 1 {
            depth += 2;
            self.check_depth(depth, &whole)?;
        }
        Ok((balanced(operands, is_or), depth))
    }

    /// `not not x`.
    fn not_expr(&mut self, p: P<'_>) -> Built<Deep> {
        let whole = p.clone();
        let nots: Vec<_> = p
            .clone()
            .into_inner()
            .filter(|c| c.as_rule() == Rule::kw_not)
            .map(|c| self.span(&c))
            .collect();
        let inner = self.parts(p).need(Rule::comparison)?;
        let (mut acc, mut depth) = self.comparison(inner)?;
        for not_span in nots.into_iter().rev() {
            depth += 1;
            self.check_depth(depth, &whole)?;
            let span = not_span.to(acc.span);
            acc = Expr {
                kind: ExprKind::Not(Box::new(acc)),
                span,
            };
        }
        Ok((acc, depth))
    }

    /// `a OP b`, `a in [..]`, `a not in [..]`, `a is set`, `a is not set`.
    fn comparison(&mut self, p: P<'_>) -> Built<Deep> {
        let whole = p.clone();
        let mut parts = self.parts(p);
        let (lhs, ld) = self.arith(parts.need(Rule::arith)?)?;
        let Some(op) = parts.next() else {
            return Ok((lhs, ld));
        };
        let op_rule = op.as_rule();
        if op_rule == Rule::is_set || op_rule == Rule::is_not_set {
            let span = lhs.span.to(self.span(&op));
            let expr = Expr {
                kind: ExprKind::IsSet {
                    negated: op_rule == Rule::is_not_set,
                    expr: Box::new(lhs),
                },
                span,
            };
            return Ok((expr, ld + 1));
        }
        let (rhs, rd) = self.arith(parts.need(Rule::arith)?)?;
        let depth = ld.max(rd) + 1;
        self.check_depth(depth, &whole)?;
        let span = lhs.span.to(rhs.span);
        let (lhs, rhs) = (Box::new(lhs), Box::new(rhs));
        let kind = match op_rule {
            Rule::compare_op => ExprKind::Compare {
                op: compare_op(op.as_str()),
                lhs,
                rhs,
            },
            Rule::in_op | Rule::not_in => ExprKind::In {
                negated: op_rule == Rule::not_in,
                lhs,
                list: rhs,
            },
            Rule::string_op => ExprKind::StringOp {
                op: match op.as_str() {
                    "contains" => StringOp::Contains,
                    "starts_with" => StringOp::StartsWith,
                    _ => StringOp::EndsWith,
                },
                lhs,
                rhs,
            },
            _ => return Err(self.internal(&op, "a comparison operator")),
        };
        Ok((Expr { kind, span }, depth))
    }

    /// `a + b - c`.
    fn arith(&mut self, p: P<'_>) -> Built<Deep> {
        let whole = p.clone();
        let mut parts = self.parts(p);
        let (mut acc, mut depth) = self.primary(parts.need_any()?)?;
        while let Some(op) = parts.opt(Rule::add_op) {
            let (rhs, d) = self.primary(parts.need_any()?)?;
            depth = depth.max(d) + 1;
            self.check_depth(depth, &whole)?;
            let span = acc.span.to(rhs.span);
            let op = if op.as_str() == "+" {
                ArithOp::Add
            } else {
                ArithOp::Sub
            };
            acc = Expr {
                kind: ExprKind::Arith {
                    op,
                    lhs: Box::new(acc),
                    rhs: Box::new(rhs),
                },
                span,
            };
        }
        Ok((acc, depth))
    }

    fn primary(&mut self, p: P<'_>) -> Built<Deep> {
        let whole = p.clone();
        let span = self.span(&p);
        let (kind, depth) = match p.as_rule() {
            Rule::paren_expr => {
                let (inner, d) = self.expr_deep(self.parts(p).need(Rule::expr)?)?;
                // Parentheses widen the span but add no node.
                return Ok((Expr { span, ..inner }, d));
            }
            Rule::list_expr => {
                let mut items = Vec::new();
                let mut depth = 0;
                for item in self.parts(p) {
                    let (e, d) = self.expr_deep(item)?;
                    depth = depth.max(d);
                    items.push(e);
                }
                items.shrink_to_fit();
                (ExprKind::List(items), depth + 1)
            }
            Rule::now => (ExprKind::Now, 1),
            Rule::path => {
                // Any name: the grammar read it as a path, so a keyword here
                // is an attribute or property from the tracking plan.
                let mut names: Vec<Ident> = self.parts(p).map(|n| self.data_name(&n)).collect();
                // Most paths are one name: no spare capacity per node.
                names.shrink_to_fit();
                (ExprKind::Path(names), 2)
            }
            Rule::literal => {
                let inner = self.parts(p).need_any()?;
                let value = self.value(inner)?;
                debug_assert!(!matches!(value.kind, ValueKind::Word(_)));
                (ExprKind::Literal(Box::new(value)), 2)
            }
            Rule::performed => {
                let mut parts = self.parts(p);
                let event = Box::new(self.data_name(&parts.need(Rule::name)?));
                let (filter, d) = self.where_clause(&mut parts)?;
                let window = self.window(&mut parts)?.map(Box::new);
                let kind = ExprKind::Performed {
                    event,
                    filter,
                    window,
                };
                (kind, d.max(1) + 1)
            }
            Rule::count_query => {
                let mut parts = self.parts(p);
                let event = Box::new(self.data_name(&parts.need(Rule::name)?));
                let (filter, d) = self.where_clause(&mut parts)?;
                let window = self.window(&mut parts)?.map(Box::new);
                let kind = ExprKind::Count {
                    event,
                    filter,
                    window,
                };
                (kind, d.max(1) + 1)
            }
            Rule::sum_query => {
                let mut parts = self.parts(p);
                let event = Box::new(self.data_name(&parts.need(Rule::name)?));
                let property = Box::new(self.data_name(&parts.need(Rule::name)?));
                let (filter, d) = self.where_clause(&mut parts)?;
                let window = self.window(&mut parts)?.map(Box::new);
                let kind = ExprKind::Sum {
                    event,
                    property,
                    filter,
                    window,
                };
                (kind, d.max(1) + 1)
            }
            Rule::last_query => {
                let event = Box::new(self.data_name(&self.parts(p).need(Rule::name)?));
                (ExprKind::Last { event }, 1)
            }
            Rule::expr | Rule::and_expr | Rule::not_expr | Rule::comparison | Rule::arith => {
                return self.expr_deep(p)
            }
            _ => return Err(self.internal(&p, "an expression")),
        };
        self.check_depth(depth, &whole)?;
        Ok((Expr { kind, span }, depth))
    }

    /// An optional `where COND`, boxed, with its depth.
    fn where_clause(
        &mut self,
        parts: &mut crate::syntax::parser::Parts<'_>,
    ) -> Built<(Option<Box<Expr>>, u32)> {
        match parts.opt(Rule::where_clause) {
            Some(w) => {
                let (e, d) = self.expr_deep(self.parts(w).need(Rule::expr)?)?;
                Ok((Some(Box::new(e)), d))
            }
            None => Ok((None, 0)),
        }
    }

    /// An optional `where COND` for places that store it unboxed.
    pub fn filter(&mut self, parts: &mut crate::syntax::parser::Parts<'_>) -> Built<Option<Expr>> {
        Ok(self.where_clause(parts)?.0.map(|b| *b))
    }

    /// An optional `within D` / `since entry`.
    pub fn window(
        &mut self,
        parts: &mut crate::syntax::parser::Parts<'_>,
    ) -> Built<Option<Window>> {
        let Some(w) = parts.opt(Rule::window) else {
            return Ok(None);
        };
        let inner = self.parts(w).need_any()?;
        Ok(Some(match inner.as_rule() {
            Rule::within => {
                let d = self.parts(inner).need(Rule::duration)?;
                Window::Within(self.duration(&d))
            }
            _ => Window::SinceEntry(self.span(&inner)),
        }))
    }
}

pub(crate) fn compare_op(text: &str) -> CompareOp {
    match text {
        "==" => CompareOp::Eq,
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        _ => CompareOp::Ge,
    }
}

/// Folds a chain's operands into a balanced binary tree of `or` (or `and`),
/// keeping their order. `operands` is never empty.
fn balanced(mut operands: Vec<Expr>, is_or: bool) -> Expr {
    if operands.len() == 1 {
        if let Some(only) = operands.pop() {
            return only;
        }
    }
    let right = operands.split_off(operands.len() / 2);
    let l = balanced(operands, is_or);
    let r = balanced(right, is_or);
    let span = l.span.to(r.span);
    let kind = if is_or {
        ExprKind::Or(Box::new(l), Box::new(r))
    } else {
        ExprKind::And(Box::new(l), Box::new(r))
    };
    Expr { kind, span }
}
