// Layout problems at phone width: sideways scrolling, tap targets under 44 px high.
() => {
    const problems = [];
    const doc = document.scrollingElement;
    if (doc.scrollWidth > window.innerWidth) {
        problems.push(`page scrolls sideways: ${doc.scrollWidth} > ${window.innerWidth}`);
    }
    for (const el of document.querySelectorAll(
            'a, button, input:not([type=hidden]), select, textarea, summary, label.choice')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (el.closest('.choice') && el.tagName === 'INPUT') continue;  // the label is the target
        if (el.tagName === 'A' && el.closest('p, dd, li.muted') && !el.classList.contains('button')
            && !el.closest('.log-list, .member-list, .duty-list, nav')) continue;  // inline text link
        if (r.height < 44) problems.push(`${el.tagName} "${(el.textContent||el.name||'').trim().slice(0,20)}" is ${Math.round(r.height)}px high`);
    }
    return problems;
}
