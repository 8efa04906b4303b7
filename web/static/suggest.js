// Completions for the search box, as progressive enhancement: without this
// script the form works the same. It asks /api/v1/suggest for the text typed
// and offers the answers in a <datalist> (no HTML is built from them).
(function () {
  "use strict";
  var input = document.getElementById("q");
  if (!input || !window.fetch || !("list" in input)) {
    return;
  }
  var list = document.createElement("datalist");
  list.id = "q-completions";
  input.parentNode.appendChild(list);
  input.setAttribute("list", list.id);
  input.setAttribute("autocomplete", "off");
  var timer = null;
  var asked = "";
  function show(texts) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    texts.forEach(function (text) {
      var option = document.createElement("option");
      option.value = text;
      list.appendChild(option);
    });
  }
  function ask() {
    var text = input.value;
    if (text === asked) {
      return;
    }
    asked = text;
    if (!text.trim()) {
      show([]);
      return;
    }
    fetch(input.form.getAttribute("data-suggest") + "?q=" + encodeURIComponent(text),
          {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (body && body.query === input.value.trim()) {
          show(body.suggestions.map(function (item) { return item.text; }));
        }
      })
      .catch(function () { /* no completions: the form still works */ });
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 120);
  });
}());
