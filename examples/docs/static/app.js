// The wiki's only script: reading pages do not need it.
//
// What a person types in an edit form is kept in this browser
// (localStorage) until the server confirms its save, so that a reload, a
// closed tab or a refused save does not lose it. A draft remembers the
// version it was written at: restored into a form loaded at a newer
// version, it is saved against its own, and the server merges it with what
// changed since, three ways. Only the page of a successful save clears a
// draft, and only the one that save sent (its token), so a later draft, a
// bookmark or a link cannot clear another.
"use strict";

(function () {
  const draftKey = (doc) => "optimist-draft:" + doc;
  const read = (key) => {
    try {
      return JSON.parse(localStorage.getItem(key));
    } catch (_) {
      return null;
    }
  };
  const write = (key, value) => localStorage.setItem(key, JSON.stringify(value));

  // Sends, with the form, a token that the saved page hands back.
  function stamp(form, key) {
    const draft = read(key);
    if (!draft) return;
    draft.token = Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
    write(key, draft);
    let input = form.elements.draft;
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = "draft";
      form.append(input);
    }
    input.value = draft.token;
  }

  function keepDrafts(form) {
    const key = draftKey(form.dataset.draft);
    const { title, body } = form.elements;
    const version = form.elements.version || null;
    const shown = () => ({ title: title.value, body: body.value, version: version && version.value });
    const loaded = shown();
    const draft = read(key);
    if ("typed" in form.dataset) {
      // The page shows what the person just sent, refused: that is the draft now.
      write(key, loaded);
    } else if (draft && (draft.title !== loaded.title || draft.body !== loaded.body)) {
      // A draft of an existing document always knows its version; one that
      // does not could only be saved over newer text, so it is not restored.
      if (!version || draft.version) {
        title.value = draft.title;
        body.value = draft.body;
        if (version) version.value = draft.version;
        announce(form, draft, loaded, () => {
          title.value = loaded.title;
          body.value = loaded.body;
          if (version) version.value = loaded.version;
          localStorage.removeItem(key);
        });
      }
    }
    form.addEventListener("input", () => write(key, shown()));
    form.addEventListener("submit", () => stamp(form, key));
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

  // The merge page: its choices and written merges survive a reload too.
  function keepChoices(form) {
    const key = "optimist-merge:" + form.dataset.merge;
    const fields = () => form.querySelectorAll("input[type=radio], [name$='-text']");
    const saved = read(key) || {};
    fields().forEach((field) => {
      if (field.type === "radio") field.checked = saved[field.name] === field.value || field.checked;
      else if (field.name in saved) field.value = saved[field.name];
    });
    form.addEventListener("input", () => {
      const value = {};
      fields().forEach((field) => {
        if (field.type !== "radio") value[field.name] = field.value;
        else if (field.checked) value[field.name] = field.value;
      });
      write(key, value);
    });
    form.addEventListener("submit", () => stamp(form, draftKey(form.dataset.draftOf)));
  }

  function forget(doc) {
    localStorage.removeItem(draftKey(doc));
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (key && key.startsWith("optimist-merge:" + doc + ":")) localStorage.removeItem(key);
    }
  }

  document.querySelectorAll("form[data-draft]").forEach(keepDrafts);
  document.querySelectorAll("form[data-merge]").forEach(keepChoices);
  document.querySelectorAll("[data-saved-draft]").forEach((saved) => {
    const draft = read(draftKey(saved.dataset.savedDraft));
    if (draft && draft.token && draft.token === saved.dataset.token) forget(saved.dataset.savedDraft);
  });
  document.querySelectorAll("a[data-discard]").forEach((link) => {
    link.addEventListener("click", () => forget(link.dataset.discard));
  });
  const first = document.querySelector(".notice.problem, #merge-dialog");
  if (first) first.focus();
})();
