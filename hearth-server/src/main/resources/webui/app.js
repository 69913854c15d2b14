// Hearth chat page: conversations live in localStorage; answers stream from /v1/chat/completions
// (SSE) and are rendered as Markdown as they arrive. No framework, no build step.
(function () {
  'use strict';
  var STORE = 'hearth.chat.v1';
  var $ = function (id) { return document.getElementById(id); };
  var md = window.HearthMarkdown;

  var state = load();
  var controller = null; // AbortController of the answer being streamed

  function load() {
    try {
      var s = JSON.parse(localStorage.getItem(STORE));
      if (s && Array.isArray(s.conversations)) return s;
    } catch (e) { /* start fresh */ }
    return { conversations: [], current: null, settings: { system: '', temperature: 0.8, topP: 0.95, maxTokens: -1, apiKey: '' } };
  }
  function save() { localStorage.setItem(STORE, JSON.stringify(state)); }
  function current() {
    var c = state.conversations.find(function (x) { return x.id === state.current; });
    if (!c) { c = newConversation(); }
    return c;
  }
  function newConversation() {
    var c = { id: String(Date.now()) + Math.random().toString(16).slice(2, 6), title: 'New conversation', messages: [] };
    state.conversations.unshift(c);
    state.current = c.id;
    save();
    return c;
  }

  function renderSidebar() {
    var ul = $('conversations');
    ul.innerHTML = '';
    state.conversations.forEach(function (c) {
      var li = document.createElement('li');
      if (c.id === state.current) li.className = 'active';
      var name = document.createElement('span');
      name.textContent = c.title;
      name.onclick = function () { if (controller) return; state.current = c.id; save(); renderAll(); };
      var del = document.createElement('button');
      del.textContent = '×';
      del.title = 'Delete conversation';
      del.onclick = function () {
        if (controller) return;
        state.conversations = state.conversations.filter(function (x) { return x.id !== c.id; });
        if (state.current === c.id) state.current = state.conversations.length ? state.conversations[0].id : null;
        save(); renderAll();
      };
      li.appendChild(name); li.appendChild(del);
      ul.appendChild(li);
    });
  }

  function renderMessages() {
    var box = $('messages');
    box.innerHTML = '';
    var conv = current();
    conv.messages.forEach(function (m, i) { box.appendChild(messageElement(conv, m, i)); });
    box.scrollTop = box.scrollHeight;
  }

  function messageElement(conv, m, index) {
    var div = document.createElement('div');
    div.className = 'msg ' + m.role;
    var role = document.createElement('div');
    role.className = 'role';
    role.textContent = m.role === 'user' ? 'You' : 'Assistant';
    var content = document.createElement('div');
    content.className = 'content';
    content.innerHTML = md.render(m.content);
    var actions = document.createElement('div');
    actions.className = 'actions';
    if (m.role === 'user') actions.appendChild(button('Edit', function () { edit(conv, index, div); }));
    if (m.role === 'assistant' && index === conv.messages.length - 1) actions.appendChild(button('Regenerate', function () { regenerate(conv); }));
    div.appendChild(role); div.appendChild(content); div.appendChild(actions);
    return div;
  }

  function button(label, fn) {
    var b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.onclick = function () { if (!controller) fn(); };
    return b;
  }

  function edit(conv, index, div) {
    var area = document.createElement('textarea');
    area.value = conv.messages[index].content;
    area.rows = 4;
    var ok = button('Send', function () {
      conv.messages = conv.messages.slice(0, index);
      conv.messages.push({ role: 'user', content: area.value });
      save(); renderMessages(); answer(conv);
    });
    var cancel = button('Cancel', renderMessages);
    div.querySelector('.content').replaceChildren(area, ok, cancel);
  }

  function regenerate(conv) {
    if (conv.messages.length && conv.messages[conv.messages.length - 1].role === 'assistant') conv.messages.pop();
    save(); renderMessages(); answer(conv);
  }

  function renderAll() { renderSidebar(); renderMessages(); }

  function showError(text) {
    var e = $('error');
    e.textContent = text;
    e.hidden = !text;
  }

  function setBusy(busy) {
    $('send').hidden = busy;
    $('stop').hidden = !busy;
  }

  // Streams the assistant's answer for the conversation so far.
  async function answer(conv) {
    showError('');
    var s = state.settings;
    var messages = [];
    if (s.system && s.system.trim()) messages.push({ role: 'system', content: s.system });
    conv.messages.forEach(function (m) { messages.push({ role: m.role, content: m.content }); });
    var msg = { role: 'assistant', content: '' };
    conv.messages.push(msg);
    var el = messageElement(conv, msg, conv.messages.length - 1);
    $('messages').appendChild(el);
    var contentEl = el.querySelector('.content');
    controller = new AbortController();
    setBusy(true);
    var started = performance.now(), firstToken = 0, pieces = 0, serverRate = null;
    try {
      var headers = { 'Content-Type': 'application/json' };
      if (s.apiKey) headers['Authorization'] = 'Bearer ' + s.apiKey;
      var res = await fetch('v1/chat/completions', {
        method: 'POST', headers: headers, signal: controller.signal,
        body: JSON.stringify({ messages: messages, stream: true, temperature: Number(s.temperature),
          top_p: Number(s.topP), max_tokens: Number(s.maxTokens) })
      });
      if (!res.ok) {
        var text = await res.text();
        var message = text;
        try { message = JSON.parse(text).error.message; } catch (e) { /* not JSON */ }
        throw new Error('The server answered ' + res.status + ': ' + message);
      }
      var reader = res.body.getReader();
      var decoder = new TextDecoder();
      var buffer = '';
      for (;;) {
        var chunk = await reader.read();
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        var events = buffer.split('\n\n');
        buffer = events.pop();
        events.forEach(function (ev) {
          var line = ev.trim();
          if (!line.startsWith('data: ')) return;
          var data = line.slice(6);
          if (data === '[DONE]') return;
          var obj = JSON.parse(data);
          if (obj.error) throw new Error(obj.error.message);
          var delta = obj.choices && obj.choices[0] && obj.choices[0].delta;
          if (delta && delta.content) {
            if (!firstToken) firstToken = performance.now();
            pieces++;
            msg.content += delta.content;
            contentEl.innerHTML = md.render(msg.content);
            $('messages').scrollTop = $('messages').scrollHeight;
          }
          if (obj.timings) serverRate = obj.timings.predicted_per_second;
        });
        var secs = (performance.now() - (firstToken || started)) / 1000;
        if (pieces > 1 && secs > 0) $('stats').textContent = (pieces / secs).toFixed(1) + ' tokens/s';
      }
      if (serverRate) $('stats').textContent = serverRate.toFixed(1) + ' tokens/s';
    } catch (e) {
      if (e.name !== 'AbortError') showError(e.message || String(e));
    } finally {
      controller = null;
      setBusy(false);
      if (conv.title === 'New conversation' && conv.messages.length) conv.title = conv.messages[0].content.slice(0, 40) || 'Conversation';
      save();
      renderAll();
    }
  }

  $('composer').addEventListener('submit', function (e) {
    e.preventDefault();
    if (controller) return;
    var text = $('input').value;
    if (!text.trim()) return;
    var conv = current();
    conv.messages.push({ role: 'user', content: text });
    $('input').value = '';
    save();
    renderAll();
    answer(conv);
  });
  $('input').addEventListener('keydown', function (e) {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('composer').requestSubmit(); }
  });
  $('stop').onclick = function () { if (controller) controller.abort(); };
  $('new-chat').onclick = function () { if (controller) return; newConversation(); renderAll(); };
  $('open-settings').onclick = function () {
    var s = state.settings;
    $('s-system').value = s.system; $('s-temperature').value = s.temperature; $('s-top-p').value = s.topP;
    $('s-max-tokens').value = s.maxTokens; $('s-api-key').value = s.apiKey || '';
    $('settings').showModal();
  };
  $('settings').addEventListener('close', function () {
    if ($('settings').returnValue !== 'save') return;
    state.settings = { system: $('s-system').value, temperature: Number($('s-temperature').value), topP: Number($('s-top-p').value),
      maxTokens: parseInt($('s-max-tokens').value, 10), apiKey: $('s-api-key').value };
    save();
  });

  fetch('props').then(function (r) { return r.ok ? r.json() : null; }).then(function (p) {
    if (p && p.model_alias) $('model-name').textContent = p.model_alias;
  }).catch(function () {});
  renderAll();
})();
