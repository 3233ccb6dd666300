import { html } from 'htm/preact';
import type { ComponentChildren } from 'preact';
import { pretty } from './format.js';

export const STATUSES = ['PENDING', 'ACTIVE', 'COMPLETED', 'FAILED', 'CANCELLED', 'EXPIRED'] as const;
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;

export function Status({ value }: { value: string }) {
  return html`<span class=${`badge badge-${value.toLowerCase()}`}>${value}</span>`;
}

/** A labelled progress bar; the text states the figure, so colour is never the only cue. */
export function Bar({ fraction, label }: { fraction: number; label?: string }) {
  const pct = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return html`<span class="bar"><progress max="100" value=${pct} aria-label=${label ?? 'progress'}></progress> <span>${pct} %</span></span>`;
}

export function Json({ value, label }: { value: unknown; label: string }) {
  return html`<pre class="json" tabindex="0" aria-label=${label}>${value === undefined ? '—' : pretty(value)}</pre>`;
}

export function Problem({ error }: { error: string | undefined }) {
  return error === undefined ? null : html`<p class="problem" role="alert">${error}</p>`;
}

/** Tables scroll sideways inside their card on a narrow screen instead of widening the page. */
export function Table({ caption, children }: { caption: string; children: ComponentChildren }) {
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${caption}><table><caption>${caption}</caption>${children}</table></div>`;
}

export function Card({ title, children, wide }: { title: string; children: ComponentChildren; wide?: boolean }) {
  return html`<section class=${wide ? 'card wide' : 'card'} aria-label=${title}><h2>${title}</h2>${children}</section>`;
}

export function Figure({ label, value, hint }: { label: string; value: ComponentChildren; hint?: string }) {
  return html`<div class="figure"><div class="figure-value">${value}</div><div class="figure-label">${label}</div>${hint ? html`<div class="figure-hint">${hint}</div>` : null}</div>`;
}

/** Newer / older paging over a list route's cursors: `cursors` is the stack of pages behind the current one. */
export function Pager({ cursors, next, onChange }: { cursors: string[]; next: string | undefined; onChange: (cursors: string[]) => void }) {
  return html`<nav class="pager" aria-label="Pages">
    <button type="button" disabled=${cursors.length === 0} onClick=${() => onChange(cursors.slice(0, -1))}>← Newer</button>
    <span>page ${cursors.length + 1}</span>
    <button type="button" disabled=${next === undefined} onClick=${() => next !== undefined && onChange([...cursors, next])}>Older →</button>
  </nav>`;
}
