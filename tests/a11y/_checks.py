"""In-page checks beside axe: tap-target sizes (WCAG 2.5.8), 200 % zoom reflow (1.4.10) and
form errors tied to their fields (3.3.1 / 4.1.2 with aria-describedby and aria-invalid)."""

from tests.a11y.axe import axe_report, axe_violations

# Every visible interactive element must offer a 24×24 CSS px box, except an inline link
# inside a sentence (2.5.8's "inline" exception) and a control the browser draws itself in a
# map tile pane (none are interactive there).
SMALL_TARGETS_JS = """
() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button]';
  const inSentence = el => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline'))
      block = block.parentElement;
    if (!block) return false;
    const own = (el.textContent || '').trim().length;
    return (block.textContent || '').trim().length > own + 1;
  };
  const small = [];
  for (const el of document.querySelectorAll(sel)) {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    if (!r.width || !r.height || style.visibility === 'hidden' || el.closest('[hidden]')) continue;
    if (r.width >= 23.5 && r.height >= 23.5) continue;
    if (inSentence(el)) continue;
    const name = (el.getAttribute('aria-label') || el.textContent || el.name || el.id || '').trim();
    small.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${name.slice(0, 30)}" `
      + `${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  return small;
}
"""

# At 640×400 CSS px (1280×800 at 200 %): no sideways page scroll, the heading and the first
# form control of the main content still shown.
ZOOM_JS = """
() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1) out.push(`scrolls sideways: ${doc.scrollWidth}px`);
  const shown = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
    && r.left >= -1 && r.right <= window.innerWidth + 1; };
  const h1 = document.querySelector('main h1');
  if (!h1) out.push('no main h1'); else if (!shown(h1)) out.push('h1 not shown');
  const control = document.querySelector('main input:not([type=hidden]):not([type=checkbox])'
    + ':not([type=radio]), main select, main textarea');
  if (control && !shown(control)) out.push(`first control ${control.name || control.id} not shown`);
  return out;
}
"""

# Every error list must be pointed at by the aria-describedby of an aria-invalid field; an
# error of the whole form (no field of its own) must be announced (role=alert).
FORM_ERRORS_JS = """
form => {
  const out = [];
  const errors = document.querySelectorAll('main .errorlist, main .field-error');
  if (!errors.length && !form.querySelector('[aria-invalid=true]')) out.push('no error shown');
  for (const err of errors) {
    if (err.classList.contains('nonfield') || err.closest('.nonfield')) {
      if (!err.closest('[role=alert]') && err.getAttribute('role') !== 'alert')
        out.push(`form error without role=alert: ${err.textContent.trim().slice(0, 40)}`);
      continue;
    }
    if (!err.id) { out.push(`error without id: ${err.textContent.trim().slice(0, 40)}`); continue; }
    const field = document.querySelector(`[aria-describedby~="${err.id}"]`);
    if (!field) out.push(`#${err.id} described by no field`);
    else if (field.getAttribute('aria-invalid') !== 'true')
      out.push(`${field.name}: no aria-invalid`);
  }
  for (const field of form.querySelectorAll('[aria-invalid=true]')) {
    const ids = (field.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    if (!ids.some(id => document.getElementById(id)))
      out.push(`${field.name}: aria-invalid without a described error`);
  }
  return out;
}
"""


def page_problems(page, label: str, *, targets: bool = True) -> list[str]:
    """axe (serious/critical WCAG 2.1 AA, target-size on) and the tap-target check."""
    problems = []
    found = axe_violations(page)
    if found:
        problems.append(f"axe on {label} ({page.url}):\n{axe_report(found)}")
    if targets:
        small = page.evaluate(SMALL_TARGETS_JS)
        if small:
            problems.append(f"targets < 24px on {label}: {small[:8]}")
    return problems


def zoom_problems(page, label: str) -> list[str]:
    out = page.evaluate(ZOOM_JS)
    return [f"200 % zoom on {label}: {out}"] if out else []


def form_error_problems(page, form_selector: str, label: str) -> list[str]:
    form = page.locator(form_selector).first
    out = form.evaluate(FORM_ERRORS_JS)
    return [f"form errors on {label}: {out}"] if out else []
