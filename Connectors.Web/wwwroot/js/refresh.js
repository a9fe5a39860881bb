// Live refresh for tables marked with data-refresh-url: fetches the rows again every few seconds and swaps
// the table body. Purely an enhancement: without JavaScript the server-rendered page is complete.
(() => {
    'use strict';

    for (const table of document.querySelectorAll('table[data-refresh-url]')) {
        const url = table.dataset.refreshUrl;
        const seconds = Number(table.dataset.refreshSeconds) || 10;
        let busy = false;

        const refresh = async () => {
            // A hidden tab need not poll; it catches up as soon as it is shown again.
            if (busy || document.hidden) {
                return;
            }
            busy = true;
            try {
                const response = await fetch(url, { credentials: 'same-origin', cache: 'no-store' });
                if (response.redirected || response.status === 401) {
                    // The session ended: reloading lands on the sign-in page.
                    window.location.reload();
                    return;
                }
                if (!response.ok) {
                    return;
                }
                const body = table.tBodies[0];
                const html = await response.text();
                // Keep keyboard focus on the same link when the rows are replaced.
                const focused = body.contains(document.activeElement) ? document.activeElement.getAttribute('href') : null;
                body.innerHTML = html;
                if (focused) {
                    body.querySelector(`a[href="${CSS.escape(focused)}"]`)?.focus();
                }
                table.dataset.refreshedAt = new Date().toISOString();
            } catch {
                // Network hiccup: the next tick tries again.
            } finally {
                busy = false;
            }
        };

        setInterval(refresh, seconds * 1000);
        document.addEventListener('visibilitychange', refresh);
    }
})();
