// The wiki's only script: reading pages do not need it.
//
// An edit form keeps what is typed in this browser (localStorage) until a
// save succeeds, so neither a reload, a closed tab nor a refused save loses
// a word. A draft remembers the version it was written against: restored
// into a form loaded at a newer version, it is saved against its own, and
// the server merges it with what changed since, three ways.
"use strict";

(function () {
  const storageKey = (doc) => "optimist-draft:" + doc;

  function read(key) {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch (_) {
      return null;
    }
  }

  function keepDrafts(form) {
    const key = storageKey(form.dataset.draft);
    const { title, body } = form.elements;
    const version = form.elements.version;
    const loaded = { title: title.value, body: body.value, version: version ? version.value : null };
    const draft = read(key);
    if (draft && (draft.title !== loaded.title || draft.body !== loaded.body)) {
      title.value = draft.title;
      body.value = draft.body;
      if (version && draft.version) version.value = draft.version;
      announce(form, draft, loaded, () => {
        title.value = loaded.title;
        body.value = loaded.body;
        if (version) version.value = loaded.version;
        localStorage.removeItem(key);
      });
    } else if (draft) {
      localStorage.removeItem(key);
    }
    form.addEventListener("input", () => {
      const value = { title: title.value, body: body.value, version: version ? version.value : null };
      localStorage.setItem(key, JSON.stringify(value));
    });
  }

  function announce(form, draft, loaded, discard) {
    const notice = document.getElementById("draft-notice");
    notice.hidden = false;
    notice.className = "notice info";
    const text = document.createElement("p");
    text.textContent = "Your unsaved changes were restored.";
    if (draft.version && loaded.version && draft.version !== loaded.version) {
      text.textContent +=
        " You wrote them at version " + draft.version + "; the document is now at version " +
        loaded.version + ". Saving merges your changes with the newer ones.";
    }
    const button = document.createElement("button");
    button.type = "button";
    button.id = "discard-draft";
    button.textContent = "Discard my unsaved changes";
    button.addEventListener("click", () => {
      discard();
      notice.hidden = true;
      form.elements.title.focus();
    });
    notice.replaceChildren(text, button);
  }

  document.querySelectorAll("form[data-draft]").forEach(keepDrafts);
  document.querySelectorAll("[data-clear-draft]").forEach((saved) => {
    saved.dataset.clearDraft.split(" ").forEach((doc) => localStorage.removeItem(storageKey(doc)));
  });
  const dialog = document.getElementById("merge-dialog");
  if (dialog) dialog.focus();
})();
