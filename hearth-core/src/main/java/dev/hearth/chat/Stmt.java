package dev.hearth.chat;

import java.util.List;

/** Statement nodes of the template AST. Executed by {@link Interpreter}; line is for errors. */
sealed interface Stmt {

    int line();

    /** Where a {@code set} or {@code for} stores values. */
    sealed interface Target { }

    record NameTarget(String name) implements Target { }

    record TupleTarget(List<Target> items) implements Target { }

    /** {@code ns.attr}, for namespace objects. */
    record AttrTarget(String object, String attr) implements Target { }

    /** Literal template text. */
    record Text(String text, int line) implements Stmt { }

    /** {@code {{ expr }}}. */
    record Output(Expr expr, int line) implements Stmt { }

    /** {@code if}/{@code elif} branches (conditions.size() == bodies.size()) and an optional else. */
    record If(List<Expr> conditions, List<List<Stmt>> bodies, List<Stmt> orElse, int line) implements Stmt { }

    record For(Target target, Expr iterable, Expr filter, List<Stmt> body, List<Stmt> orElse,
               boolean recursive, int line) implements Stmt { }

    record Set(Target target, Expr value, int line) implements Stmt { }

    /** {@code {% set x | filters %}...{% endset %}}; filter is a chain applied to the body, or null. */
    record SetBlock(Target target, Expr filter, List<Stmt> body, int line) implements Stmt { }

    record Macro(String name, List<String> params, List<Expr> defaults, List<Stmt> body, int line)
            implements Stmt { }

    /** {@code {% call(params) macro(args) %}body{% endcall %}}: body becomes the macro's caller(). */
    record CallBlock(Expr.Call call, List<String> params, List<Expr> defaults, List<Stmt> body, int line)
            implements Stmt { }

    /** {@code {% filter name %}...{% endfilter %}}; filter's value is a placeholder for the body. */
    record FilterBlock(Expr filter, List<Stmt> body, int line) implements Stmt { }

    /** {@code {% with a = 1 %}...{% endwith %}}: assignments scoped to the body. */
    record With(List<Target> targets, List<Expr> values, List<Stmt> body, int line) implements Stmt { }

    record Break(int line) implements Stmt { }

    record Continue(int line) implements Stmt { }

    /** HF's {@code {% generation %}} marks assistant tokens; rendering it is just its body. */
    record Generation(List<Stmt> body, int line) implements Stmt { }
}
