/**
 * Chat templates: a small Jinja interpreter that renders Hugging Face chat templates
 * ({@code tokenizer.chat_template}) byte for byte as Python's jinja2 does under transformers'
 * settings. Entry points: {@link dev.hearth.chat.ChatTemplate} (parse once, render many times,
 * thread-safe) and {@link dev.hearth.chat.ChatTemplates} (ChatML fallback, system-role workaround).
 *
 * <p>How a render flows, one file per step:
 * <ol>
 *   <li>{@code Lexer}: source → {@code Token}s, applying trim_blocks / lstrip_blocks / {@code -} / {@code +}
 *       whitespace control and dropping comments.</li>
 *   <li>{@code Parser}: tokens → AST ({@code Stmt} and {@code Expr} records) with jinja2's precedence;
 *       {@code NameCheck} then rejects unknown filters/tests where jinja2 would at compile time.</li>
 *   <li>{@code Interpreter}: walks the AST with {@code Scope}s (one per loop iteration and macro call),
 *       {@code LoopContext} for {@code loop.*}, {@code Macro} for macros and call blocks.</li>
 * </ol>
 *
 * <p>Values are plain Java data standing in for Python objects: null, Boolean, Long, Double, String,
 * List, Map (insertion-ordered), plus {@code PyTuple}, {@code PyRange}, {@code PyIterator} (generators),
 * {@code Namespace}, {@code Undefined} and {@code Markup}. Python's behaviour lives in {@code PyOps}
 * (truthiness, comparison, arithmetic, lookup), {@code PyFormat} (str/repr), {@code PyStrings}
 * (str algorithms), {@code Methods} (str/dict/list methods), {@code Filters}, {@code Tests},
 * {@code Json} (json.dumps for tojson), {@code StrFormat}/{@code PercentFormat} and {@code Strftime}.
 *
 * <p>Known differences from jinja2, all outside what chat templates do: integers are 64-bit (Python's
 * are unbounded; overflow is an error, never a wrong number); slicing a range gives a list; Markup
 * is plain text except for {@code +} and printing (so its str methods return plain strings and a
 * Markup stored with {@code set} loses its escaping effect); jinja2 constant-folds slices of
 * literals that are not sequences (e.g. {@code true[1:]}) into undefined values, we raise.
 * ({@code PyDictView} and {@code PyRange} exist so that printing and tojson of
 * {@code d.keys()}/{@code range(n)} match.)
 */
package dev.hearth.chat;
