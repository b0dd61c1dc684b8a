"""JavaScript run in the page to read Home Assistant's frontend, which lives in shadow DOM.

Every helper walks the composed tree: an element's shadow root instead of its light children
(slots bring the light children in where they are shown), so each visible text is read once.
"""

from __future__ import annotations

_WALKER = """
const minervaDeepFind = (root, tag) => {
  const stack = [root];
  while (stack.length) {
    const node = stack.pop();
    if (!node) continue;
    if (node.tagName && node.tagName.toLowerCase() === tag) return node;
    if (node.shadowRoot) stack.push(node.shadowRoot);
    for (const child of node.children || []) stack.push(child);
  }
  return null;
};
const minervaWalk = (node, visit) => {
  if (!node) return;
  if (node.nodeType === Node.TEXT_NODE) { visit(node); return; }
  if (node.nodeType !== Node.ELEMENT_NODE && node.nodeType !== Node.DOCUMENT_FRAGMENT_NODE) return;
  if (node.tagName === 'STYLE' || node.tagName === 'SCRIPT') return;
  visit(node);
  if (node.shadowRoot) { minervaWalk(node.shadowRoot, visit); return; }
  if (node.tagName === 'SLOT') {
    for (const assigned of node.assignedNodes({flatten: true})) minervaWalk(assigned, visit);
    return;
  }
  for (const child of node.childNodes) minervaWalk(child, visit);
};
"""

# Visible text of the open flow dialog (or of another dialog element given by tag name).
DIALOG_TEXT = (
    "(tag) => {"
    + _WALKER
    + """
  const dialog = minervaDeepFind(document.documentElement, tag);
  if (!dialog) return null;
  const parts = [];
  minervaWalk(dialog, (node) => {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent.trim();
      if (text) parts.push(text);
    }
  });
  return parts.join('\\n');
}"""
)

# Labels of every form field in a dialog: [{tag, label}] (an empty label is a missing translation).
DIALOG_FIELD_LABELS = (
    "(tag) => {"
    + _WALKER
    + """
  const dialog = minervaDeepFind(document.documentElement, tag);
  if (!dialog) return null;
  const fields = [];
  const kinds = ['ha-textfield', 'ha-password-field', 'ha-select', 'ha-formfield', 'ha-combo-box'];
  minervaWalk(dialog, (node) => {
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.tagName.toLowerCase();
    if (kinds.includes(tag)) fields.push({tag, label: (node.label || '').toString().trim()});
  });
  return fields;
}"""
)

# Texts of the error alerts shown in a dialog.
DIALOG_ERRORS = (
    "(tag) => {"
    + _WALKER
    + """
  const dialog = minervaDeepFind(document.documentElement, tag);
  if (!dialog) return null;
  const errors = [];
  minervaWalk(dialog, (node) => {
    if (node.nodeType === Node.ELEMENT_NODE && node.tagName.toLowerCase() === 'ha-alert'
        && node.getAttribute('alert-type') === 'error') {
      const parts = [];
      minervaWalk(node, (inner) => {
        if (inner.nodeType === Node.TEXT_NODE && inner.textContent.trim()) parts.push(inner.textContent.trim());
      });
      errors.push(parts.join(' '));
    }
  });
  return errors;
}"""
)
