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

  // Sends, with the form, a token that the saved page hands back; only
  // where the kept draft is what the form sends (another tab, or Back and
  // more typing, may have moved the draft on since).
  function stamp(form, key, sent) {
    const draft = read(key);
    if (!draft || draft.title !== sent.title || draft.body !== sent.body || draft.version !== sent.version) {
      return;
    }
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
    form.addEventListener("submit", () => stamp(form, key, shown()));
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

  // A short fingerprint of a text (FNV-1a), to tell two merge pages of
  // the same versions apart when the person's text differs.
  function fingerprint(text) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
    return hash.toString(36);
  }

  // The merge page: its choices and written merges survive a reload too.
  function keepChoices(form) {
    const { title, body, base } = form.elements;
    const prefix = "optimist-merge:" + form.dataset.draftOf + ":";
    const key = prefix + form.dataset.merge + ":" + fingerprint(title.value + "\u0000" + body.value);
    // Choices made on an earlier merge page of this document are stale.
    keys().filter((k) => k.startsWith(prefix) && k !== key).forEach((k) => localStorage.removeItem(k));
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
    const sent = { title: title.value, body: body.value, version: base.value };
    form.addEventListener("submit", () => stamp(form, draftKey(form.dataset.draftOf), sent));
  }

  function keys() {
    const all = [];
    for (let i = 0; i < localStorage.length; i++) all.push(localStorage.key(i));
    return all;
  }

  function forget(doc) {
    localStorage.removeItem(draftKey(doc));
    keys()
      .filter((key) => key.startsWith("optimist-merge:" + doc + ":"))
      .forEach((key) => localStorage.removeItem(key));
  }

  document.querySelectorAll("form[data-draft]").forEach(keepDrafts);
  document.querySelectorAll("form[data-merge]").forEach(keepChoices);
  // The page of a successful save: the draft that save sent is done with.
  document.querySelectorAll("[data-saved-draft]").forEach((saved) => {
    const token = saved.dataset.savedDraft;
    keys()
      .filter((key) => key.startsWith("optimist-draft:"))
      .forEach((key) => {
        const draft = read(key);
        if (token && draft && draft.token === token) forget(key.slice("optimist-draft:".length));
      });
  });
  document.querySelectorAll("a[data-discard]").forEach((link) => {
    link.addEventListener("click", () => forget(link.dataset.discard));
  });
  const first = document.querySelector(".notice.problem, #merge-dialog");
  if (first) first.focus();
})();
