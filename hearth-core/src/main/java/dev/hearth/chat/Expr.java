package dev.hearth.chat;

import java.util.List;

/** Expression nodes of the template AST. Evaluated by {@link Interpreter#eval}. */
sealed interface Expr {

    /** A call's or filter's arguments: positional, then keyword (insertion order kept). */
    record Args(List<Expr> positional, List<String> names, List<Expr> named) {
        static final Args NONE = new Args(List.of(), List.of(), List.of());
    }

    /** A string, number, boolean or none literal. */
    record Literal(Object value) implements Expr { }

    record Name(String name) implements Expr { }

    record ListLit(List<Expr> items) implements Expr { }

    record TupleLit(List<Expr> items) implements Expr { }

    record DictLit(List<Expr> keys, List<Expr> values) implements Expr { }

    /** {@code obj.name}: jinja2 tries the attribute first, then the item. */
    record GetAttr(Expr obj, String name) implements Expr { }

    /** {@code obj[index]}: jinja2 tries the item first, then the attribute. */
    record GetItem(Expr obj, Expr index) implements Expr { }

    /** {@code start:stop:step} inside a subscript; any part may be null. */
    record Slice(Expr start, Expr stop, Expr step) implements Expr { }

    record Call(Expr fn, Args args) implements Expr { }

    /** {@code value | name(args)}. */
    record Filter(Expr value, String name, Args args) implements Expr { }

    /** {@code value is [not] name(args)}. */
    record Test(Expr value, String name, Args args, boolean negated) implements Expr { }

    /** {@code not x}, {@code -x}, {@code +x}. */
    record Unary(String op, Expr operand) implements Expr { }

    /** Arithmetic, {@code ~}, {@code and}, {@code or}. */
    record Binary(String op, Expr left, Expr right) implements Expr { }

    /** A comparison chain {@code a < b <= c}: each op compares neighbours, all must hold. */
    record Compare(Expr first, List<String> ops, List<Expr> operands) implements Expr { }

    /** {@code then if cond else otherwise}; otherwise may be null (yields undefined). */
    record Conditional(Expr cond, Expr then, Expr otherwise) implements Expr { }
}
