/** The console's login page, rendered on the server (no script: it works under the strict CSP and without JavaScript). */

const MESSAGES: Record<string, string> = {
  invalid: 'That key is not valid.',
  expired: 'Your session has expired: sign in again.',
  'signed-out': 'You are signed out.',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** `next` must already be a safe path (safeNextPath); `notice` one of the known message codes. */
export function loginPage(next: string, notice?: string): string {
  const message = notice && MESSAGES[notice];
  const isError = notice === 'invalid' || notice === 'expired';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in · Face stream</title>
  <link rel="stylesheet" href="/assets/console.css">
</head>
<body class="login-page">
  <main class="panel login">
    <h1><span class="logo" aria-hidden="true"></span> Face stream</h1>
    <form id="login-form" method="post" action="/auth/login">
      <label for="key">Admin or viewer key</label>
      <input id="key" name="key" type="password" autocomplete="current-password" required autofocus>
      <input type="hidden" name="next" value="${escapeHtml(next)}">
      <button type="submit">Sign in</button>
    </form>
    ${message ? `<p id="login-message" class="message${isError ? '' : ' info'}" role="alert">${escapeHtml(message)}</p>` : ''}
    <p class="muted">The keys are ADMIN_API_KEY and VIEWER_API_KEY, or the files admin-api-key and viewer-api-key in the server's data folder.</p>
  </main>
</body>
</html>
`;
}
