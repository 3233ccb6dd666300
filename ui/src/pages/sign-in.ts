import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { setToken } from '../api.js';

/** The only thing shown without a token: no API call is made until one is given. */
export function SignIn({ onSignedIn, refused }: { onSignedIn: () => void; refused: boolean }) {
  const [token, setValue] = useState('');
  return html`
    <main class="sign-in" id="main">
      <h1>taskfleet</h1>
      <form onSubmit=${(e: Event) => { e.preventDefault(); if (token.trim() !== '') { setToken(token.trim()); onSignedIn(); } }}>
        <h2>Sign in</h2>
        ${refused ? html`<p class="problem" role="alert">That token was refused. Enter another.</p>` : null}
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" required value=${token} onInput=${(e: any) => setValue(e.currentTarget.value)} />
        <p class="note">Kept for this browser tab's session only. <code>npm start</code> prints a link that signs you in.</p>
        <button type="submit">Sign in</button>
      </form>
    </main>
  `;
}
