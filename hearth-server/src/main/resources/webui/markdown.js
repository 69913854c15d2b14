// A small Markdown renderer for chat answers (fenced code, inline code, headings, lists, emphasis,
// links) with a keyword highlighter for code blocks. Everything is escaped first: model output is
// never trusted as HTML. Written for this page so it works offline with no external scripts.
(function () {
  'use strict';
  function escapeHtml(s) {
    return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }

  var KEYWORDS = new Set(('if else for while do return function def class import from const let var new try catch finally ' +
    'throw public private protected static final void int long float double boolean char byte short true false null None ' +
    'True False self this struct enum fn pub mut impl use match case switch break continue yield async await lambda in is not and or').split(' '));

  // one pass over escaped code: comments, strings, numbers, keywords
  function highlight(code) {
    var re = /(\/\/[^\n]*|#[^\n]*|\/\*[\s\S]*?\*\/)|("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|&quot;(?:(?!&quot;)[^\n])*&quot;)|\b(\d+(?:\.\d+)?)\b|\b([A-Za-z_]\w*)\b/g;
    return code.replace(re, function (m, comment, str, num, word) {
      if (comment) return '<span class="hl-c">' + comment + '</span>';
      if (str) return '<span class="hl-s">' + str + '</span>';
      if (num) return '<span class="hl-n">' + num + '</span>';
      if (word && KEYWORDS.has(word)) return '<span class="hl-k">' + word + '</span>';
      return m;
    });
  }

  function inline(s) {
    var parts = s.split(/(`[^`]+`)/);
    return parts.map(function (p) {
      if (/^`[^`]+`$/.test(p)) return '<code>' + p.slice(1, -1) + '</code>';
      return p
        .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>')
        .replace(/(^|[^*])\*([^*\s][^*]*)\*/g, '$1<em>$2</em>')
        .replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g, '<a href="$2" target="_blank" rel="noopener">$1</a>');
    }).join('');
  }

  function render(text) {
    var lines = escapeHtml(text).split('\n');
    var out = [], para = [], list = null, i = 0;
    function flushPara() { if (para.length) { out.push('<p>' + inline(para.join('<br>')) + '</p>'); para = []; } }
    function flushList() { if (list) { out.push('<' + list.tag + '>' + list.items.map(function (x) { return '<li>' + inline(x) + '</li>'; }).join('') + '</' + list.tag + '>'); list = null; } }
    while (i < lines.length) {
      var line = lines[i];
      var fence = line.match(/^```\s*([\w+-]*)/);
      if (fence) {
        flushPara(); flushList();
        var code = [];
        i++;
        while (i < lines.length && !/^```/.test(lines[i])) code.push(lines[i++]);
        i++; // closing fence (absent while still streaming)
        out.push('<pre><code class="lang-' + fence[1] + '">' + highlight(code.join('\n')) + '</code></pre>');
        continue;
      }
      var h = line.match(/^(#{1,6})\s+(.*)$/);
      var ul = line.match(/^\s*[-*+]\s+(.*)$/);
      var ol = line.match(/^\s*\d+[.)]\s+(.*)$/);
      if (h) { flushPara(); flushList(); out.push('<h' + h[1].length + '>' + inline(h[2]) + '</h' + h[1].length + '>'); }
      else if (ul || ol) {
        flushPara();
        var tag = ul ? 'ul' : 'ol';
        if (list && list.tag !== tag) flushList();
        if (!list) list = { tag: tag, items: [] };
        list.items.push((ul || ol)[1]);
      } else if (line.trim() === '') { flushPara(); flushList(); }
      else { flushList(); para.push(line); }
      i++;
    }
    flushPara(); flushList();
    return out.join('');
  }

  window.HearthMarkdown = { render: render, escapeHtml: escapeHtml };
})();
