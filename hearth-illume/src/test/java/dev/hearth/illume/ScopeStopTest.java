package dev.hearth.illume;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The scope stopper on holes in realistic code. Each case is a file with the hole's true middle
 * between ⟦ and ⟧, and a runaway continuation: what a model writes after the true middle (the
 * rest of the scope and more code). For every case:
 * <ul>
 *   <li>the runaway generation (true middle + continuation), fed in pieces of several sizes, stops,
 *       and what is kept is exactly the true middle;
 *   <li>no beginning of the true middle, nor the whole of it, is ever cut: a generation still
 *       inside the scope goes on.
 * </ul>
 */
class ScopeStopTest {
    record Hole(String name, CodeLanguage language, String prefix, String middle, String suffix, String continuation) {
        @Override
        public String toString() {
            return language + ": " + name;
        }
    }

    static Hole hole(String name, CodeLanguage language, String source, String continuation) {
        int open = source.indexOf('⟦');
        int close = source.indexOf('⟧');
        return new Hole(name, language, source.substring(0, open), source.substring(open + 1, close),
                source.substring(close + 1), continuation);
    }

    static List<Hole> holes() {
        List<Hole> h = new ArrayList<>();
        // ---------------------------------------------------------------- C
        h.add(hole("loop in a function body; the model repeats the suffix", CodeLanguage.C, """
                int sum(const int *a, int n) {
                    int s = 0;
                    ⟦for (int i = 0; i < n; i++) {
                        s += a[i];
                    }⟧
                    return s;
                }
                """, "\n    return s;\n}\n\nint main(void) {\n    return 0;\n}\n"));
        h.add(hole("one statement; the model closes the function and writes another", CodeLanguage.C, """
                static int max(int a, int b) {
                    ⟦return a > b ? a : b;⟧
                }

                int main(void) { return max(1, 2); }
                """, "\n}\n\nstatic int min(int a, int b) {\n    return a < b ? a : b;\n}\n"));
        h.add(hole("braces inside a string", CodeLanguage.C, """
                void greet(const char *name) {
                    ⟦printf("}}} {{{ %s\\n", name);⟧
                }
                """, "\n}\n\nvoid bye(void) {}\n"));
        h.add(hole("braces inside comments", CodeLanguage.C, """
                int parse(const char *s) {
                    int depth = 0;
                    ⟦/* a closing } here is text */
                    depth++; // and } here too⟧
                    return depth;
                }
                """, "\n}\n\nint other(void) { return 0; }\n"));
        h.add(hole("a brace as a character literal", CodeLanguage.C, """
                int count(const char *s) {
                    int depth = 0;
                    for (; *s; s++) {
                        ⟦if (*s == '}') depth--;
                        if (*s == '{') depth++;⟧
                    }
                    return depth;
                }
                """, "\n    }\n    return -depth;\n}\n"));
        h.add(hole("an argument in a call", CodeLanguage.C, """
                void run(int a, int b) {
                    int result = compute(a, ⟦b * 2⟧);
                    use(result);
                }
                """, ");\n    other(result);\n}\n"));
        h.add(hole("inside an if block nested in a function", CodeLanguage.C, """
                int f(int x) {
                    if (x > 0) {
                        ⟦x = x * 2;
                        x += 1;⟧
                    }
                    return x;
                }
                """, "\n    }\n    return x * 3;\n}\n"));
        h.add(hole("a whole function at top level", CodeLanguage.C, """
                #include <stdio.h>

                ⟦static int square(int x) {
                    return x * x;
                }⟧

                int main(void) {
                    printf("%d\\n", square(3));
                    return 0;
                }
                """, "\n\nstatic int cube(int x) {\n    return x * x * x;\n}\n"));
        h.add(hole("a condition inside parentheses", CodeLanguage.C, """
                void check(int n) {
                    if (⟦n > 0 && (n % 2) == 0⟧) {
                        puts("even");
                    }
                }
                """, ") {\n        puts(\"positive even\");\n    }\n}\n"));
        h.add(hole("a prefix window that starts inside a function (as editors send it)", CodeLanguage.C, """
                    int x = start;
                    while (x < limit) {
                        x += step;
                    }
                ⟦    if (x > 0) {
                        x--;
                    }
                    x++;⟧
                    return x;
                }
                """, "\n}\n\nint g(void) {\n    return 0;\n}\n"));
        // ---------------------------------------------------------------- C++
        h.add(hole("raw string with unbalanced brackets", CodeLanguage.CPP, """
                std::string pattern() {
                    ⟦auto s = R"x(unbalanced ) } ] {)x";
                    return s;⟧
                }
                """, "\n}\n\nint g() { return 2; }\n"));
        h.add(hole("a lambda argument", CodeLanguage.CPP, """
                void sortDesc(std::vector<int>& v) {
                    std::sort(v.begin(), v.end(), ⟦[](int a, int b) {
                        return a > b;
                    }⟧);
                }
                """, ");\n    print(v);\n}\n"));
        h.add(hole("a member function body", CodeLanguage.CPP, """
                class Counter {
                public:
                    void inc() { ++n_; }
                    int get() const {
                        ⟦return n_;⟧
                    }
                private:
                    int n_ = 0;
                };
                """, "\n    }\n    void reset() { n_ = 0; }\n"));
        h.add(hole("template code with angle brackets", CodeLanguage.CPP, """
                template <typename T>
                T clamp(T v, T lo, T hi) {
                    ⟦if (v < lo) return lo;
                    if (hi < v) return hi;
                    return v;⟧
                }
                """, "\n}\n\ntemplate <typename T>\nT wrap(T v) { return v; }\n"));
        h.add(hole("digit separators are not character literals", CodeLanguage.CPP, """
                long big() {
                    ⟦long n = 1'000'000;
                    return n * 2;⟧
                }
                """, "\n}\n\nlong small() { return 1; }\n"));
        // ---------------------------------------------------------------- Java
        h.add(hole("method body; the model writes the next method", CodeLanguage.JAVA, """
                public class Stats {
                    static double mean(double[] xs) {
                        double sum = 0;
                        ⟦for (double x : xs) {
                            sum += x;
                        }
                        return sum / xs.length;⟧
                    }
                }
                """, "\n    }\n\n    static double max(double[] xs) {\n        return 0;\n    }\n}\n"));
        h.add(hole("text block with brackets", CodeLanguage.JAVA, """
                class Fixture {
                    String json() {
                        ⟦String json = \"""
                            {"a": [1, 2}
                            \""";
                        return json;⟧
                    }
                }
                """, "\n    }\n    String xml() { return \"<a/>\"; }\n}\n"));
        h.add(hole("escaped quotes around a brace", CodeLanguage.JAVA, """
                class Quote {
                    String say() {
                        ⟦String s = "she said \\"}\\" loudly";
                        return s;⟧
                    }
                }
                """, "\n    }\n}\n\nclass Other {}\n"));
        h.add(hole("a lambda inside a call", CodeLanguage.JAVA, """
                class Printer {
                    void print(java.util.List<String> list) {
                        list.forEach(⟦item -> System.out.println(item)⟧);
                    }
                }
                """, "); list.clear();\n    }\n}\n"));
        h.add(hole("character literal brace", CodeLanguage.JAVA, """
                class Depth {
                    int depth(String s) {
                        int d = 0;
                        for (char ch : s.toCharArray()) {
                            ⟦if (ch == '{') d++;
                            if (ch == '}') d--;⟧
                        }
                        return d;
                    }
                }
                """, "\n        }\n        return d * 2;\n    }\n}\n"));
        h.add(hole("constructor argument with generics", CodeLanguage.JAVA, """
                class Index {
                    void build() {
                        Map<String, List<Integer>> m = new HashMap<>(⟦16⟧);
                        m.clear();
                    }
                }
                """, ");\n        m.put(\"a\", List.of(1));\n    }\n}\n"));
        // ---------------------------------------------------------------- JavaScript / TypeScript
        h.add(hole("template literal with ${} and braces", CodeLanguage.JAVASCRIPT, """
                function greet(user) {
                  ⟦const msg = `Hello ${user.name} {not a brace} ${fmt({a: 1})}`;
                  return msg;⟧
                }
                """, "\n}\n\nfunction bye() {\n  return 'bye';\n}\n"));
        h.add(hole("regular expression with brackets", CodeLanguage.JAVASCRIPT, """
                function clean(s) {
                  ⟦const re = /[)}\\]]+/g;
                  return s.replace(re, '');⟧
                }
                """, "\n}\n\nmodule.exports = { clean };\n"));
        h.add(hole("regular expression after return", CodeLanguage.JAVASCRIPT, """
                function isClose(s) {
                  ⟦if (!s) return false;
                  return /^[)\\]}]$/.test(s);⟧
                }
                """, "\n}\n\nfunction isOpen(s) {\n  return false;\n}\n"));
        h.add(hole("division is not a regular expression", CodeLanguage.JAVASCRIPT, """
                function ratio(a, b) {
                  ⟦const r = (a + 1) / (b + 1) / 2;
                  return r;⟧
                }
                """, "\n}\n\nfunction other() {}\n"));
        h.add(hole("arrow callback body", CodeLanguage.JAVASCRIPT, """
                app.get('/', (req, res) => {
                  ⟦res.send({ ok: true });⟧
                });
                """, "\n});\n\napp.listen(3000);\n"));
        h.add(hole("object literal members", CodeLanguage.JAVASCRIPT, """
                const config = {
                  port: 8080,
                  ⟦host: 'localhost',⟧
                };
                """, "\n};\n\nmodule.exports = config;\n"));
        h.add(hole("comment mentioning brackets", CodeLanguage.JAVASCRIPT, """
                function later() {
                  ⟦// TODO: handle } and ) later
                  return null;⟧
                }
                """, "\n}\n\nfunction sooner() {}\n"));
        h.add(hole("interface members", CodeLanguage.TYPESCRIPT, """
                interface User {
                  id: number;
                  ⟦name: string;
                  email?: string;⟧
                }
                """, "\n}\n\ninterface Admin extends User {\n  level: number;\n}\n"));
        h.add(hole("string with a brace in a filter", CodeLanguage.TYPESCRIPT, """
                export function strip(items: string[]): string[] {
                  ⟦return items.filter((x) => x !== '}');⟧
                }
                """, "\n}\n\nexport const n: number = 1;\n"));
        h.add(hole("nested template literal", CodeLanguage.TYPESCRIPT, """
                function row(cells: string[]): string {
                  ⟦return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;⟧
                }
                """, "\n}\n\nfunction table() {}\n"));
        // ---------------------------------------------------------------- Go
        h.add(hole("function body; the model writes the next function", CodeLanguage.GO,
                "func Sum(xs []int) int {\n\ttotal := 0\n\t⟦for _, x := range xs {\n\t\ttotal += x\n\t}\n\treturn total⟧\n}\n",
                "\n}\n\nfunc Max(xs []int) int {\n\treturn 0\n}\n"));
        h.add(hole("raw string with braces", CodeLanguage.GO,
                "func IsName(s string) bool {\n\t⟦re := regexp.MustCompile(`^\\{(\\w+)\\}$`)\n\treturn re.MatchString(s)⟧\n}\n",
                "\n}\n\nfunc main() {}\n"));
        h.add(hole("rune literal brace", CodeLanguage.GO,
                "func IsClose(r rune) bool {\n\t⟦if r == '}' {\n\t\treturn true\n\t}\n\treturn false⟧\n}\n",
                "\n}\n\nfunc IsOpen(r rune) bool { return r == '{' }\n"));
        h.add(hole("struct literal field", CodeLanguage.GO,
                "func main() {\n\tmux := http.NewServeMux()\n\tsrv := &http.Server{\n\t\tAddr: \":8080\",\n\t\t⟦Handler: mux,⟧\n\t}\n\tlog.Fatal(srv.ListenAndServe())\n}\n",
                "\n\t}\n\tsrv.ListenAndServe()\n}\n"));
        // ---------------------------------------------------------------- Rust
        h.add(hole("lifetimes in the signature", CodeLanguage.RUST, """
                fn longest<'a>(x: &'a str, y: &'a str) -> &'a str {
                    ⟦if x.len() > y.len() { x } else { y }⟧
                }
                """, "\n}\n\nfn main() {\n    println!(\"{}\", longest(\"a\", \"bb\"));\n}\n"));
        h.add(hole("raw string with braces and quotes", CodeLanguage.RUST, """
                fn sample() -> usize {
                    ⟦let s = r#"{"key": "}"}"#;
                    s.len()⟧
                }
                """, "\n}\n\nfn other() {}\n"));
        h.add(hole("char literal brace in a closure", CodeLanguage.RUST, """
                fn opens(s: &str) -> usize {
                    ⟦s.chars().filter(|c| *c == '{').count()⟧
                }
                """, "\n}\n\nfn closes(s: &str) -> usize { 0 }\n"));
        h.add(hole("nested block comments", CodeLanguage.RUST, """
                fn inc(x: i32) -> i32 {
                    ⟦/* outer /* inner } */ still comment ) */
                    x + 1⟧
                }
                """, "\n}\n\nfn dec(x: i32) -> i32 { x - 1 }\n"));
        h.add(hole("match arms", CodeLanguage.RUST, """
                fn run(cmd: Cmd) {
                    match cmd {
                        ⟦Cmd::Quit => return,
                        Cmd::Go(n) => step(n),⟧
                    }
                }
                """, "\n    }\n}\n\nfn step(n: u32) {}\n"));
        // ---------------------------------------------------------------- C#
        h.add(hole("verbatim string with doubled quotes", CodeLanguage.CSHARP, """
                class Paths
                {
                    string Get(string x)
                    {
                        ⟦var path = @"C:\\dir\\{x}"" )";
                        return path;⟧
                    }
                }
                """, "\n    }\n}\n\nclass More {}\n"));
        h.add(hole("interpolated string with braces", CodeLanguage.CSHARP, """
                class Report
                {
                    void Print(int total)
                    {
                        ⟦Console.WriteLine($"Total: {total} {{literal}}");⟧
                    }
                }
                """, "\n    }\n\n    void Save() { }\n}\n"));
        h.add(hole("property getter", CodeLanguage.CSHARP, """
                public class Person
                {
                    private int _age;
                    public int Age
                    {
                        get
                        {
                            ⟦return _age;⟧
                        }
                    }
                }
                """, "\n        }\n        set { _age = value; }\n    }\n}\n"));
        // ---------------------------------------------------------------- Python
        h.add(hole("function suite; the model writes another function", CodeLanguage.PYTHON, """
                def mean(xs):
                    ⟦total = sum(xs)
                    return total / len(xs)⟧


                def median(xs):
                    return sorted(xs)[len(xs) // 2]
                """, "\n\n\ndef variance(xs):\n    m = mean(xs)\n    return sum((x - m) ** 2 for x in xs) / len(xs)\n"));
        h.add(hole("if suite; the model adds an elif", CodeLanguage.PYTHON, """
                def sign(x):
                    if x > 0:
                        ⟦return 1⟧
                    return 0
                """, "\n    elif x < 0:\n        return -1\n    return 0\n"));
        h.add(hole("strings with brackets and a hash", CodeLanguage.PYTHON, """
                def f():
                    ⟦s = "(unclosed [ and # not comment"
                    return s.strip()⟧

                print(f())
                """, "\n\nprint(f())\nprint('done')\n"));
        h.add(hole("docstring with a dedented line", CodeLanguage.PYTHON, """
                def g():
                    ⟦\"""Return a dict.

                Not indented line inside the docstring (
                    \"""
                    return {}⟧


                class A:
                    pass
                """, "\n\n\nclass B:\n    pass\n"));
        h.add(hole("continuation lines inside brackets", CodeLanguage.PYTHON, """
                def h(items):
                    ⟦result = sorted(
                  items,
                  key=lambda i: i[1],
                )
                    return result⟧


                h([])
                """, "\n\n\ndef k():\n    pass\n"));
        h.add(hole("list elements", CodeLanguage.PYTHON, """
                values = [
                    1,
                    ⟦2,
                    3,⟧
                ]
                print(values)
                """, "\n]\nprint(sum(values))\n"));
        h.add(hole("a method at line start in a class", CodeLanguage.PYTHON, """
                class Stack:
                    def __init__(self):
                        self.items = []

                ⟦    def push(self, x):
                        self.items.append(x)⟧

                    def pop(self):
                        return self.items.pop()
                """, "\n\nclass Queue:\n    pass\n"));
        h.add(hole("while suite; the model repeats the suffix", CodeLanguage.PYTHON, """
                def countdown(n):
                    while n > 0:
                        print(n)
                        ⟦n -= 1⟧
                    print("liftoff")
                """, "\n    print(\"liftoff\")\n\n\ncountdown(3)\n"));
        h.add(hole("comment with brackets", CodeLanguage.PYTHON, """
                def ident(x):
                    ⟦# note: ( [ { are fine in comments
                    return x⟧


                assert ident(2) == 2
                """, "\n\n\nassert ident(1) == 1\n"));
        h.add(hole("dict value in a call", CodeLanguage.PYTHON, """
                def save(db):
                    db.insert({"name": ⟦"hearth", "tags": ["a", "}"]⟧})
                    db.commit()
                """, "})\n    db.close()\n"));
        // ------------------------------------------ Illume's shape: the hole is a line of its own
        h.add(hole("Illume-shaped: a statement line in C", CodeLanguage.C, """
                int area(int w, int h) {
                ⟦    return w * h;⟧
                }
                """, "\n}\n\nint perimeter(int w, int h) {\n    return 2 * (w + h);\n}\n"));
        h.add(hole("Illume-shaped: a block whose inner line reads like the suffix", CodeLanguage.C, """
                int clampPositive(int result) {
                ⟦    if (result < 0) {
                        return result;
                    }
                    result += 1;⟧
                    return result;
                }
                """, "\n    return result;\n}\n"));
        h.add(hole("Illume-shaped: Java statements", CodeLanguage.JAVA, """
                class Greeter {
                    String greet(String name) {
                ⟦        String greeting = "Hello, " + name + "!";
                        return greeting;⟧
                    }
                }
                """, "\n    }\n\n    String part(String name) {\n        return name;\n    }\n}\n"));
        h.add(hole("Illume-shaped: Go loop", CodeLanguage.GO,
                "func Count(xs []int, v int) int {\n\tn := 0\n⟦\tfor _, x := range xs {\n\t\tif x == v {\n\t\t\tn++\n\t\t}\n\t}⟧\n\treturn n\n}\n",
                "\n\treturn n\n}\n\nfunc Index(xs []int, v int) int {\n\treturn -1\n}\n"));
        h.add(hole("Illume-shaped: Python body under a def line", CodeLanguage.PYTHON, """
                def is_even(n):
                ⟦    return n % 2 == 0⟧


                def is_odd(n):
                    return not is_even(n)
                """, "\n\n\ndef is_prime(n):\n    return n > 1 and all(n % d for d in range(2, n))\n"));
        h.add(hole("Illume-shaped: Python lines after a statement", CodeLanguage.PYTHON, """
                def load(path):
                    with open(path) as f:
                        text = f.read()
                ⟦        lines = text.splitlines()
                        return [l for l in lines if l]⟧

                load("x")
                """, "\n\nload(\"y\")\n"));
        // ------------------------------------------ one member per hole in a type's body
        h.add(hole("Java: a method in a class body; the model writes more methods", CodeLanguage.JAVA, """
                public class Account {
                    private long balance;

                ⟦    public void deposit(long amount) {
                        if (amount <= 0) {
                            throw new IllegalArgumentException("amount");
                        }
                        balance += amount;
                    }⟧

                    public long balance() {
                        return balance;
                    }
                }
                """, "\n\n    public void withdraw(long amount) {\n        balance -= amount;\n    }\n\n    public void close() {}\n"));
        h.add(hole("C#: a method in a class body", CodeLanguage.CSHARP, """
                namespace Shop
                {
                    public class Cart
                    {
                        private readonly List<Item> _items = new();
                ⟦        public void Add(Item item)
                        {
                            _items.Add(item);
                        }⟧
                    }
                }
                """, "\n\n        public void Remove(Item item)\n        {\n            _items.Remove(item);\n        }\n"));
        h.add(hole("Rust: a method in an impl block", CodeLanguage.RUST, """
                impl Stack {
                ⟦    fn push(&mut self, x: i32) {
                        self.items.push(x);
                    }⟧
                }
                """, "\n\n    fn pop(&mut self) -> Option<i32> {\n        self.items.pop()\n    }\n"));
        h.add(hole("TypeScript: a method in a class", CodeLanguage.TYPESCRIPT, """
                export class Timer {
                  private start = Date.now();
                ⟦  elapsed(): number {
                    return Date.now() - this.start;
                  }⟧
                }
                """, "\n\n  reset(): void {\n    this.start = Date.now();\n  }\n"));
        h.add(hole("C: a function taking a struct is not a type body", CodeLanguage.C, """
                int length(struct node *n) {
                    int k = 0;
                ⟦    while (n) {
                        k++;
                        n = n->next;
                    }
                    k *= 2;⟧
                    return k;
                }
                """, "\n    return k;\n}\n\nint sum(struct node *n) {\n    return 0;\n}\n"));
        // ---------------------------------------------------------------- unknown language
        h.add(hole("JSON object members (generic rules)", CodeLanguage.GENERIC, """
                {
                  "name": "hearth",
                  ⟦"version": "0.1.0",
                  "tags": ["llm", "}"]⟧
                }
                """, "\n}\n{\n  \"another\": 1\n}\n"));
        return h;
    }

    @Test
    void thereAreAtLeastFortyCases() {
        assertThat(holes()).hasSizeGreaterThanOrEqualTo(40);
    }

    @TestFactory
    Stream<DynamicTest> runawayGenerationIsCutWhereTheTrueMiddleEnds() {
        return holes().stream().flatMap(h -> Stream.of(1, 3, 8, 1000).map(piece ->
                DynamicTest.dynamicTest(h + " (pieces of " + piece + ")", () -> {
                    String runaway = h.middle() + h.continuation();
                    ScopeStop stop = ScopeStop.forHole(h.prefix(), h.suffix(), h.language());
                    IllumeClient.MiddleWriter writer = new IllumeClient.MiddleWriter(stop);
                    StringBuilder shown = new StringBuilder();
                    boolean stopped = false;
                    for (int i = 0; i < runaway.length() && !stopped; i += piece) {
                        stopped = !writer.accept(runaway.substring(i, Math.min(runaway.length(), i + piece)));
                        shown.append(writer.drain());
                    }
                    shown.append(writer.finish());
                    assertThat(stopped).as("stopped").isTrue();
                    assertThat(shown.toString()).isEqualTo(h.middle());
                })));
    }

    @TestFactory
    Stream<DynamicTest> generationStillInsideTheScopeIsNeverCut() {
        return holes().stream().map(h -> DynamicTest.dynamicTest(h.toString(), () -> {
            ScopeStop stop = ScopeStop.forHole(h.prefix(), h.suffix(), h.language());
            for (int k = 0; k <= h.middle().length(); k++) {
                ScopeStop.Decision decision = stop.decide(h.middle().substring(0, k));
                assertThat(decision.stop()).as("cut after %d chars: %s", k, h.middle().substring(0, k)).isFalse();
                assertThat(decision.length()).isBetween(0, k);
            }
        }));
    }

    @Test
    void theWholeRunawayIsDecidedByTheFirstStoppingPoint() {
        Hole h = holes().getFirst();
        ScopeStop stop = ScopeStop.forHole(h.prefix(), h.suffix(), h.language());
        ScopeStop.Decision decision = stop.feed(h.middle() + h.continuation());
        assertThat(decision).isEqualTo(new ScopeStop.Decision(true, h.middle().length()));
        assertThat(stop.middle()).isEqualTo(h.middle() + h.continuation());
    }

    @Test
    void trailingWhiteSpaceIsHeldBackUntilDecided() {
        ScopeStop stop = ScopeStop.forHole("int f() {\n    ", "\n}\n", CodeLanguage.C);
        assertThat(stop.decide("return 1;\n")).isEqualTo(new ScopeStop.Decision(false, 9));
        assertThat(stop.decide("return 1;\n}")).isEqualTo(new ScopeStop.Decision(true, 9));
    }

    @Test
    void aLineThatMayBeRepeatingTheSuffixIsHeldBack() {
        ScopeStop stop = ScopeStop.forHole("def f():\n    x = 1\n    ", "\n    return compute(x)\n", CodeLanguage.PYTHON);
        assertThat(stop.decide("x += 1\n    return comp")).isEqualTo(new ScopeStop.Decision(false, 6));
        assertThat(stop.decide("x += 1\n    return compute(x)")).isEqualTo(new ScopeStop.Decision(true, 6));
        assertThat(stop.decide("x += 1\n    return other")).isEqualTo(new ScopeStop.Decision(false, 23));
    }

    @Test
    void aWindowOfAFileIsNotTopLevelJustBecauseNoBracketIsOpen() {
        String prefix = "    x = 1,\n";
        String middle = "    p = { a: 1 };\n\n    q = 2;";
        assertThat(ScopeStop.forHole(prefix, "\n", CodeLanguage.JAVASCRIPT).decide(middle).stop()).isTrue();
        assertThat(ScopeStop.forHole(prefix, "\n", CodeLanguage.JAVASCRIPT, false).decide(middle).stop()).isFalse();
    }

    @Test
    void aWindowIsLexedFromWhereCodeSurelyBegins() {
        assertThat(ScopeStop.resynchronize(" * calls f(x\n */\nint g() {\n", CodeLanguage.C)).isEqualTo("\nint g() {\n");
        assertThat(ScopeStop.resynchronize("/* a */ int g() {\n", CodeLanguage.C)).isEqualTo("/* a */ int g() {\n");
        String python = "        example:\n\n            def shown(x):\n                return (x\n    \"\"\"\n\n    def real(self):\n        ";
        assertThat(ScopeStop.resynchronize(python, CodeLanguage.PYTHON)).isEqualTo("    def real(self):\n        ");
        // and the stopper then reads the docstring's stray "(" as text: the real body is not cut
        ScopeStop stop = ScopeStop.forHole(python, "\n\n    def other(self):\n        pass\n", CodeLanguage.PYTHON, false);
        assertThat(stop.decide("return self.x\n\n    def more(self):").length()).isEqualTo(13);
        assertThat(stop.decide("return self.x\n\n    def more(self):").stop()).isTrue();
    }

    @Test
    void languagesComeFromFileNamesOrAreGuessed() {
        assertThat(CodeLanguage.fromFileName("src/main.rs")).isEqualTo(CodeLanguage.RUST);
        assertThat(CodeLanguage.fromFileName("Widget.TSX")).isEqualTo(CodeLanguage.TYPESCRIPT);
        assertThat(CodeLanguage.fromFileName("a.hpp")).isEqualTo(CodeLanguage.CPP);
        assertThat(CodeLanguage.fromFileName("README")).isNull();
        assertThat(CodeLanguage.guess("import os\n\ndef main():\n    print(os.getcwd())\n")).isEqualTo(CodeLanguage.PYTHON);
        assertThat(CodeLanguage.guess("package main\n\nfunc main() {\n\tx := 1\n\tfmt.Println(x)\n}\n")).isEqualTo(CodeLanguage.GO);
        assertThat(CodeLanguage.guess("fn main() {\n    let mut v = Vec::new();\n}\nimpl Foo {}\n")).isEqualTo(CodeLanguage.RUST);
        assertThat(CodeLanguage.guess("public class A {\n    @Override\n    public String toString() { return \"\"; }\n    private final int x = 0;\n}\n"))
                .isEqualTo(CodeLanguage.JAVA);
        assertThat(CodeLanguage.guess("Dear diary, today was fine.")).isEqualTo(CodeLanguage.GENERIC);
        assertThat(CodeLanguage.detect("x.py", "function a() {}", "")).isEqualTo(CodeLanguage.PYTHON);
    }
}
