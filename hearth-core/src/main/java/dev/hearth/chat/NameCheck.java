package dev.hearth.chat;

import java.util.List;

/**
 * jinja2 rejects unknown filter and test names when it compiles a template, except directly
 * inside an {@code if} statement or an inline {@code x if c else y} (its "soft" frames), where
 * the error is deferred until the expression actually runs. For, macro, call, set-block, filter
 * and with bodies start a new, strict frame again. We mirror that so a template jinja2 refuses
 * is refused here at parse time too.
 */
final class NameCheck {

    private NameCheck() { }

    static void check(List<Stmt> body) {
        stmts(body, false);
    }

    private static void stmts(List<Stmt> body, boolean soft) {
        for (Stmt s : body) stmt(s, soft);
    }

    private static void stmt(Stmt s, boolean soft) {
        switch (s) {
            case Stmt.Text t -> { }
            case Stmt.Output o -> expr(o.expr(), soft, o.line());
            case Stmt.If i -> {
                for (Expr c : i.conditions()) expr(c, true, i.line());
                for (List<Stmt> b : i.bodies()) stmts(b, true);
                stmts(i.orElse(), true);
            }
            case Stmt.For f -> {
                expr(f.iterable(), soft, f.line());
                if (f.filter() != null) expr(f.filter(), false, f.line());
                stmts(f.body(), false);
                stmts(f.orElse(), false);
            }
            case Stmt.Set st -> expr(st.value(), soft, st.line());
            case Stmt.SetBlock sb -> {
                if (sb.filter() != null) expr(sb.filter(), false, sb.line());
                stmts(sb.body(), false);
            }
            case Stmt.Macro m -> {
                for (Expr d : m.defaults()) if (d != null) expr(d, false, m.line());
                stmts(m.body(), false);
            }
            case Stmt.CallBlock c -> {
                expr(c.call(), soft, c.line());
                stmts(c.body(), false);
            }
            case Stmt.FilterBlock fb -> {
                expr(fb.filter(), false, fb.line());
                stmts(fb.body(), false);
            }
            case Stmt.With w -> {
                for (Expr v : w.values()) expr(v, false, w.line());
                stmts(w.body(), false);
            }
            case Stmt.Generation g -> stmts(g.body(), false);
            case Stmt.Break b -> { }
            case Stmt.Continue c -> { }
        }
    }

    private static void expr(Expr e, boolean soft, int line) {
        switch (e) {
            case null -> { }
            case Expr.Literal l -> { }
            case Expr.Name n -> { }
            case Expr.ListLit l -> l.items().forEach(x -> expr(x, soft, line));
            case Expr.TupleLit t -> t.items().forEach(x -> expr(x, soft, line));
            case Expr.DictLit d -> {
                d.keys().forEach(x -> expr(x, soft, line));
                d.values().forEach(x -> expr(x, soft, line));
            }
            case Expr.GetAttr g -> expr(g.obj(), soft, line);
            case Expr.GetItem g -> {
                expr(g.obj(), soft, line);
                expr(g.index(), soft, line);
            }
            case Expr.Slice s -> {
                expr(s.start(), soft, line);
                expr(s.stop(), soft, line);
                expr(s.step(), soft, line);
            }
            case Expr.Call c -> {
                expr(c.fn(), soft, line);
                args(c.args(), soft, line);
            }
            case Expr.Filter f -> {
                if (!soft && !Filters.exists(f.name())) fail("No filter named '" + f.name() + "'.", line);
                expr(f.value(), soft, line);
                args(f.args(), soft, line);
            }
            case Expr.Test t -> {
                if (!soft && !Tests.exists(t.name())) fail("No test named '" + t.name() + "'.", line);
                expr(t.value(), soft, line);
                args(t.args(), soft, line);
            }
            case Expr.Unary u -> expr(u.operand(), soft, line);
            case Expr.Binary b -> {
                expr(b.left(), soft, line);
                expr(b.right(), soft, line);
            }
            case Expr.Compare c -> {
                expr(c.first(), soft, line);
                c.operands().forEach(x -> expr(x, soft, line));
            }
            case Expr.Conditional c -> {
                expr(c.cond(), true, line);
                expr(c.then(), true, line);
                expr(c.otherwise(), true, line);
            }
        }
    }

    private static void args(Expr.Args a, boolean soft, int line) {
        a.positional().forEach(x -> expr(x, soft, line));
        a.named().forEach(x -> expr(x, soft, line));
    }

    private static void fail(String message, int line) {
        throw new TemplateException(TemplateException.Kind.SYNTAX, message, line, 0);
    }
}
