package dev.hearth.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import dev.hearth.chat.Token.Type;

/**
 * Recursive-descent parser from tokens to {@link Stmt}/{@link Expr} trees. Operator precedence and
 * the odd corners (left-associative {@code **}, filters binding tighter than unary minus, tests
 * taking one bare argument as in {@code is divisibleby 3}) follow jinja2's grammar, lowest first:
 * conditional, or, and, not, comparison, + -, ~, * / // %, **, unary, postfix/filter/test.
 */
final class Parser {

    private static final Set<String> COMPARE_OPS = Set.of("==", "!=", "<", ">", "<=", ">=");

    private final List<Token> tokens;
    private int pos;
    /** How many for-loop bodies enclose the current position (macros start again at 0). */
    private int loopDepth;

    private Parser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static List<Stmt> parse(String source) {
        Parser p = new Parser(Lexer.tokenize(source));
        List<Stmt> body = p.parseBody(Set.of());
        if (p.peek().type() != Type.EOF) {
            throw p.error("Unexpected '" + p.peek(1).value() + "' tag outside of any block", p.peek());
        }
        NameCheck.check(body);
        return body;
    }

    // ---- token helpers ----

    private Token peek() { return tokens.get(pos); }

    private Token peek(int ahead) { return tokens.get(Math.min(pos + ahead, tokens.size() - 1)); }

    private Token next() { return tokens.get(pos++); }

    private boolean skipOp(String op) {
        if (peek().isOp(op)) { pos++; return true; }
        return false;
    }

    private boolean skipName(String name) {
        if (peek().isName(name)) { pos++; return true; }
        return false;
    }

    private Token expectOp(String op) {
        if (!peek().isOp(op)) throw error("expected '" + op + "', got " + peek(), peek());
        return next();
    }

    private String expectName() {
        if (peek().type() != Type.NAME) throw error("expected a name, got " + peek(), peek());
        return next().text();
    }

    private void expectBlockEnd() {
        if (peek().type() != Type.BLOCK_END) throw error("expected end of statement block, got " + peek(), peek());
        pos++;
    }

    private TemplateException error(String message, Token at) {
        return new TemplateException(TemplateException.Kind.SYNTAX, message, at.line(), at.column());
    }

    // ---- statements ----

    /**
     * Parses statements until a {@code {% name %}} tag whose name is in {@code ends}; leaves the
     * position on that name token (just after the block start), or on EOF when ends is empty.
     */
    private List<Stmt> parseBody(Set<String> ends) {
        List<Stmt> body = new ArrayList<>();
        while (true) {
            Token t = peek();
            switch (t.type()) {
                case EOF -> {
                    if (!ends.isEmpty()) throw error("Unexpected end of template; expected one of " + ends, t);
                    return body;
                }
                case TEXT -> { pos++; body.add(new Stmt.Text(t.text(), t.line())); }
                case VAR_BEGIN -> {
                    pos++;
                    Expr e = parseTuple(true, Set.of(), false);
                    if (peek().type() != Type.VAR_END) throw error("expected end of print statement, got " + peek(), peek());
                    pos++;
                    body.add(new Stmt.Output(e, t.line()));
                }
                case BLOCK_BEGIN -> {
                    Token name = peek(1);
                    if (name.type() == Type.NAME && ends.contains(name.text())) {
                        pos++;
                        return body;
                    }
                    pos++;
                    body.add(parseStatement());
                }
                default -> throw error("unexpected " + t, t);
            }
        }
    }

    /** After parseBody stopped at an end tag: consume "endX %}". */
    private void endTag(String name) {
        Token t = next();
        if (!t.isName(name)) throw error("expected '" + name + "', got " + t, t);
        expectBlockEnd();
    }

    private Stmt parseStatement() {
        Token t = peek();
        if (t.type() != Type.NAME) throw error("tag name expected", t);
        pos++;
        int line = t.line();
        return switch (t.text()) {
            case "if" -> parseIf(line);
            case "for" -> parseFor(line);
            case "set" -> parseSet(line);
            case "macro" -> parseMacro(line);
            case "call" -> parseCallBlock(line);
            case "filter" -> parseFilterBlock(line);
            case "with" -> parseWith(line);
            case "break", "continue" -> {
                if (loopDepth == 0) throw error("'" + t.text() + "' outside of a for loop", t);
                expectBlockEnd();
                yield t.text().equals("break") ? new Stmt.Break(line) : new Stmt.Continue(line);
            }
            case "generation" -> {
                expectBlockEnd();
                List<Stmt> body = parseBody(Set.of("endgeneration"));
                endTag("endgeneration");
                yield new Stmt.Generation(body, line);
            }
            default -> throw error("Encountered unknown tag '" + t.text() + "'", t);
        };
    }

    private Stmt parseIf(int line) {
        List<Expr> conds = new ArrayList<>();
        List<List<Stmt>> bodies = new ArrayList<>();
        List<Stmt> orElse = List.of();
        conds.add(parseTuple(false, Set.of(), false));
        expectBlockEnd();
        while (true) {
            bodies.add(parseBody(Set.of("elif", "else", "endif")));
            String tag = next().text();
            if (tag.equals("elif")) {
                conds.add(parseTuple(false, Set.of(), false));
                expectBlockEnd();
            } else if (tag.equals("else")) {
                expectBlockEnd();
                orElse = parseBody(Set.of("endif"));
                endTag("endif");
                break;
            } else {
                expectBlockEnd();
                break;
            }
        }
        return new Stmt.If(conds, bodies, orElse, line);
    }

    private Stmt parseFor(int line) {
        Stmt.Target target = parseAssignTarget(false);
        if (!skipName("in")) throw error("expected 'in', got " + peek(), peek());
        Expr iter = parseTuple(false, Set.of("recursive"), false);
        Expr filter = null;
        if (skipName("if")) filter = parseExpression(true);
        boolean recursive = skipName("recursive");
        expectBlockEnd();
        loopDepth++;
        List<Stmt> body = parseBody(Set.of("endfor", "else"));
        loopDepth--;
        List<Stmt> orElse = List.of();
        if (next().text().equals("else")) {
            expectBlockEnd();
            orElse = parseBody(Set.of("endfor"));
            endTag("endfor");
        } else {
            expectBlockEnd();
        }
        return new Stmt.For(target, iter, filter, body, orElse, recursive, line);
    }

    private Stmt parseSet(int line) {
        Stmt.Target target = parseAssignTarget(true);
        if (skipOp("=")) {
            Expr value = parseTuple(true, Set.of(), false);
            expectBlockEnd();
            return new Stmt.Set(target, value, line);
        }
        Expr filter = peek().isOp("|") ? parseFilter(null, false) : null;
        expectBlockEnd();
        List<Stmt> body = parseBody(Set.of("endset"));
        endTag("endset");
        return new Stmt.SetBlock(target, filter, body, line);
    }

    private Stmt parseMacro(int line) {
        String name = expectName();
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        parseSignature(params, defaults);
        expectBlockEnd();
        int outerLoops = loopDepth;
        loopDepth = 0; // a macro body is its own function: break there cannot leave the caller's loop
        List<Stmt> body = parseBody(Set.of("endmacro"));
        loopDepth = outerLoops;
        pos++;
        if (peek().type() == Type.NAME) pos++; // {% endmacro name %}
        expectBlockEnd();
        return new Stmt.Macro(name, params, defaults, body, line);
    }

    /** {@code (a, b=1)}; defaults.get(i) is null for a parameter without a default. */
    private void parseSignature(List<String> params, List<Expr> defaults) {
        expectOp("(");
        while (!peek().isOp(")")) {
            if (!params.isEmpty()) expectOp(",");
            if (peek().isOp(")")) break;
            params.add(expectName());
            defaults.add(skipOp("=") ? parseExpression(true) : null);
        }
        expectOp(")");
    }

    private Stmt parseCallBlock(int line) {
        List<String> params = new ArrayList<>();
        List<Expr> defaults = new ArrayList<>();
        if (peek().isOp("(")) parseSignature(params, defaults);
        Expr call = parseExpression(true);
        if (!(call instanceof Expr.Call c)) throw error("expected call", peek());
        expectBlockEnd();
        int outerLoops = loopDepth;
        loopDepth = 0;
        List<Stmt> body = parseBody(Set.of("endcall"));
        loopDepth = outerLoops;
        endTag("endcall");
        return new Stmt.CallBlock(c, params, defaults, body, line);
    }

    private Stmt parseFilterBlock(int line) {
        Expr filter = parseFilter(null, true);
        expectBlockEnd();
        List<Stmt> body = parseBody(Set.of("endfilter"));
        endTag("endfilter");
        return new Stmt.FilterBlock(filter, body, line);
    }

    private Stmt parseWith(int line) {
        List<Stmt.Target> targets = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        while (peek().type() != Type.BLOCK_END) {
            if (!targets.isEmpty()) expectOp(",");
            targets.add(parseAssignTarget(false));
            expectOp("=");
            values.add(parseExpression(true));
        }
        expectBlockEnd();
        List<Stmt> body = parseBody(Set.of("endwith"));
        endTag("endwith");
        return new Stmt.With(targets, values, body, line);
    }

    /** A name, {@code ns.attr} (set only), or a comma-separated tuple of names, maybe in parentheses. */
    private Stmt.Target parseAssignTarget(boolean allowAttr) {
        if (allowAttr && peek().type() == Type.NAME && peek(1).isOp(".")) {
            String obj = next().text();
            pos++;
            return new Stmt.AttrTarget(obj, expectName());
        }
        List<Stmt.Target> items = new ArrayList<>();
        boolean tuple = false;
        while (true) {
            if (skipOp("(")) {
                items.add(parseAssignTarget(false));
                expectOp(")");
            } else {
                items.add(new Stmt.NameTarget(expectName()));
            }
            if (!skipOp(",")) break;
            tuple = true;
            if (peek().type() != Type.NAME && !peek().isOp("(")) break;
        }
        return tuple ? new Stmt.TupleTarget(items) : items.getFirst();
    }

    // ---- expressions ----

    private boolean isTupleEnd(Set<String> extraEnds) {
        Token t = peek();
        return t.type() == Type.VAR_END || t.type() == Type.BLOCK_END || t.type() == Type.EOF || t.isOp(")")
                || (t.type() == Type.NAME && extraEnds.contains(t.text()));
    }

    /** Expressions separated by commas form a tuple, as in {@code {% set a, b = 1, 2 %}}. */
    private Expr parseTuple(boolean withCondexpr, Set<String> extraEnds, boolean explicitParens) {
        List<Expr> items = new ArrayList<>();
        boolean isTuple = false;
        while (true) {
            if (!items.isEmpty()) expectOp(",");
            if (isTupleEnd(extraEnds)) break;
            items.add(parseExpression(withCondexpr));
            if (peek().isOp(",")) isTuple = true; else break;
        }
        if (!isTuple) {
            if (!items.isEmpty()) return items.getFirst();
            if (!explicitParens) throw error("Expected an expression, got " + peek(), peek());
        }
        return new Expr.TupleLit(items);
    }

    private Expr parseExpression(boolean withCondexpr) {
        return withCondexpr ? parseConditional() : parseOr();
    }

    private Expr parseConditional() {
        Expr expr = parseOr();
        while (skipName("if")) {
            Expr cond = parseOr();
            Expr otherwise = skipName("else") ? parseConditional() : null;
            expr = new Expr.Conditional(cond, expr, otherwise);
        }
        return expr;
    }

    private Expr parseOr() {
        Expr left = parseAnd();
        while (skipName("or")) left = new Expr.Binary("or", left, parseAnd());
        return left;
    }

    private Expr parseAnd() {
        Expr left = parseNot();
        while (skipName("and")) left = new Expr.Binary("and", left, parseNot());
        return left;
    }

    private Expr parseNot() {
        if (skipName("not")) return new Expr.Unary("not", parseNot());
        return parseCompare();
    }

    private Expr parseCompare() {
        Expr first = parseMath1();
        List<String> ops = new ArrayList<>();
        List<Expr> operands = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.type() == Type.OP && COMPARE_OPS.contains(t.text())) {
                pos++;
                ops.add(t.text());
            } else if (t.isName("in")) {
                pos++;
                ops.add("in");
            } else if (t.isName("not") && peek(1).isName("in")) {
                pos += 2;
                ops.add("not in");
            } else {
                break;
            }
            operands.add(parseMath1());
        }
        return ops.isEmpty() ? first : new Expr.Compare(first, ops, operands);
    }

    private Expr parseMath1() {
        Expr left = parseConcat();
        while (peek().isOp("+") || peek().isOp("-")) {
            String op = next().text();
            left = new Expr.Binary(op, left, parseConcat());
        }
        return left;
    }

    private Expr parseConcat() {
        Expr left = parseMath2();
        while (skipOp("~")) left = new Expr.Binary("~", left, parseMath2());
        return left;
    }

    private Expr parseMath2() {
        Expr left = parsePow();
        while (peek().isOp("*") || peek().isOp("/") || peek().isOp("//") || peek().isOp("%")) {
            String op = next().text();
            left = new Expr.Binary(op, left, parsePow());
        }
        return left;
    }

    private Expr parsePow() {
        Expr left = parseUnary(true);
        while (skipOp("**")) left = new Expr.Binary("**", left, parseUnary(true));
        return left;
    }

    private Expr parseUnary(boolean withFilter) {
        Expr node;
        if (skipOp("-")) {
            node = new Expr.Unary("-", parseUnary(false));
        } else if (skipOp("+")) {
            node = new Expr.Unary("+", parseUnary(false));
        } else {
            node = parsePrimary();
        }
        node = parsePostfix(node);
        if (withFilter) node = parseFilterExpr(node);
        return node;
    }

    private Expr parsePrimary() {
        Token t = next();
        switch (t.type()) {
            case NAME -> {
                return switch (t.text()) {
                    case "true", "True" -> new Expr.Literal(Boolean.TRUE);
                    case "false", "False" -> new Expr.Literal(Boolean.FALSE);
                    case "none", "None" -> new Expr.Literal(null);
                    default -> new Expr.Name(t.text());
                };
            }
            case STRING -> {
                StringBuilder sb = new StringBuilder(t.text());
                while (peek().type() == Type.STRING) sb.append(next().text()); // "a" "b" == "ab"
                return new Expr.Literal(sb.toString());
            }
            case INT, FLOAT -> { return new Expr.Literal(t.value()); }
            case OP -> {
                switch (t.text()) {
                    case "(" -> {
                        Expr e = parseTuple(true, Set.of(), true);
                        expectOp(")");
                        return e;
                    }
                    case "[" -> {
                        List<Expr> items = new ArrayList<>();
                        while (!peek().isOp("]")) {
                            if (!items.isEmpty()) expectOp(",");
                            if (peek().isOp("]")) break;
                            items.add(parseExpression(true));
                        }
                        expectOp("]");
                        return new Expr.ListLit(items);
                    }
                    case "{" -> {
                        List<Expr> keys = new ArrayList<>();
                        List<Expr> values = new ArrayList<>();
                        while (!peek().isOp("}")) {
                            if (!keys.isEmpty()) expectOp(",");
                            if (peek().isOp("}")) break;
                            keys.add(parseExpression(true));
                            expectOp(":");
                            values.add(parseExpression(true));
                        }
                        expectOp("}");
                        return new Expr.DictLit(keys, values);
                    }
                    default -> { }
                }
            }
            default -> { }
        }
        throw error("unexpected " + t, t);
    }

    private Expr parsePostfix(Expr node) {
        while (true) {
            if (peek().isOp(".") || peek().isOp("[")) {
                node = parseSubscript(node);
            } else if (peek().isOp("(")) {
                node = new Expr.Call(node, parseCallArgs());
            } else {
                return node;
            }
        }
    }

    private Expr parseFilterExpr(Expr node) {
        while (true) {
            if (peek().isOp("|")) {
                node = parseFilter(node, false);
            } else if (peek().isName("is")) {
                node = parseTest(node);
            } else if (peek().isOp("(")) {
                node = new Expr.Call(node, parseCallArgs());
            } else {
                return node;
            }
        }
    }

    private Expr parseSubscript(Expr node) {
        Token t = next();
        if (t.isOp(".")) {
            Token attr = next();
            if (attr.type() == Type.NAME) return new Expr.GetAttr(node, attr.text());
            if (attr.type() == Type.INT) return new Expr.GetItem(node, new Expr.Literal(attr.value()));
            throw error("expected name or number", attr);
        }
        List<Expr> args = new ArrayList<>();
        while (!peek().isOp("]")) {
            if (!args.isEmpty()) expectOp(",");
            args.add(parseSubscribed());
        }
        expectOp("]");
        if (args.isEmpty()) throw error("expected subscript expression", t);
        return new Expr.GetItem(node, args.size() == 1 ? args.getFirst() : new Expr.TupleLit(args));
    }

    private Expr parseSubscribed() {
        Expr start = null;
        if (!peek().isOp(":")) {
            start = parseExpression(true);
            if (!peek().isOp(":")) return start;
        }
        pos++; // ':'
        Expr stop = null, step = null;
        if (!peek().isOp("]") && !peek().isOp(",") && !peek().isOp(":")) stop = parseExpression(true);
        if (skipOp(":")) {
            if (!peek().isOp("]") && !peek().isOp(",")) step = parseExpression(true);
        }
        return new Expr.Slice(start, stop, step);
    }

    private Expr.Args parseCallArgs() {
        Token open = expectOp("(");
        List<Expr> positional = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Expr> named = new ArrayList<>();
        boolean first = true;
        while (!peek().isOp(")")) {
            if (!first) expectOp(",");
            first = false;
            if (peek().isOp(")")) break;
            if (peek().type() == Type.NAME && peek(1).isOp("=")) {
                names.add(next().text());
                pos++;
                named.add(parseExpression(true));
            } else {
                if (!names.isEmpty()) throw error("positional argument follows keyword argument", open);
                positional.add(parseExpression(true));
            }
        }
        expectOp(")");
        return new Expr.Args(positional, names, named);
    }

    /** {@code | name(.name)* (args)?}, repeated; with inline, the first '|' is already implied. */
    private Expr parseFilter(Expr node, boolean inline) {
        while (peek().isOp("|") || inline) {
            if (!inline) pos++;
            inline = false;
            StringBuilder name = new StringBuilder(expectName());
            while (peek().isOp(".") && peek(1).type() == Type.NAME) {
                pos++;
                name.append('.').append(next().text());
            }
            Expr.Args args = peek().isOp("(") ? parseCallArgs() : Expr.Args.NONE;
            node = new Expr.Filter(node, name.toString(), args);
        }
        return node;
    }

    private Expr parseTest(Expr node) {
        pos++; // 'is'
        boolean negated = skipName("not");
        StringBuilder name = new StringBuilder(expectName());
        while (peek().isOp(".") && peek(1).type() == Type.NAME) {
            pos++;
            name.append('.').append(next().text());
        }
        Expr.Args args = Expr.Args.NONE;
        Token t = peek();
        if (t.isOp("(")) {
            args = parseCallArgs();
        } else if ((t.type() == Type.NAME || t.type() == Type.STRING || t.type() == Type.INT || t.type() == Type.FLOAT
                || t.isOp("[") || t.isOp("{")) && !t.isName("else") && !t.isName("or") && !t.isName("and")) {
            // a single bare argument: {{ n is divisibleby 3 }}
            if (t.isName("is")) throw error("You cannot chain multiple tests with is", t);
            Expr arg = parsePostfix(parsePrimary());
            args = new Expr.Args(List.of(arg), List.of(), List.of());
        }
        return new Expr.Test(node, name.toString(), args, negated);
    }
}
