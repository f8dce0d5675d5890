/**
 * The design system's stylesheet, inlined: government intranets often have no internet and the
 * pages must stand alone. Colours meet WCAG 2.1 AA contrast on white (≥ 4.5:1 for text).
 */
export const css = `
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2937;line-height:1.6;background:#f9fafb}
a{color:#1d4ed8}a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem;z-index:10}
header.top{background:#9f1239;color:#fff;display:flex;gap:1rem;align-items:center;padding:.6rem 1.2rem;flex-wrap:wrap}
header.top a{color:#fff}header.top .brand{font-weight:700;font-size:1.1rem;text-decoration:none}
header.top .who{margin-left:auto;display:flex;gap:.8rem;align-items:center}
header.top form{margin:0}header.top button{background:transparent;color:#fff;border:1px solid #fff;padding:.2rem .6rem;border-radius:4px;cursor:pointer}
nav.main ul{list-style:none;display:flex;gap:1rem;margin:0;padding:0;flex-wrap:wrap}
nav.main a[aria-current=page]{font-weight:700;text-decoration:underline}
main{max-width:72rem;margin:1.5rem auto;padding:0 1rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}h2{font-size:1.2rem}
.card{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:1rem 1.2rem;margin-bottom:1rem}
.flash{border-left:4px solid #15803d;background:#f0fdf4;padding:.6rem 1rem;margin-bottom:1rem}
.flash.error{border-color:#b91c1c;background:#fef2f2}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e5e7eb;padding:.45rem .6rem;text-align:left;vertical-align:middle}
th a{color:#1f2937}.num{text-align:right;font-variant-numeric:tabular-nums}
.field{margin-bottom:.9rem;display:flex;flex-direction:column;gap:.2rem;max-width:32rem}
.field label{font-weight:600}.field .hint{color:#4b5563;font-size:.9rem}
input,select,textarea{font:inherit;padding:.4rem .5rem;border:1px solid #6b7280;border-radius:4px}
input[aria-invalid=true],select[aria-invalid=true],textarea[aria-invalid=true]{border-color:#b91c1c;border-width:2px}
.error-text{color:#b91c1c;font-size:.9rem}
button,.button{font:inherit;background:#1d4ed8;color:#fff;border:0;border-radius:4px;padding:.45rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
button.danger{background:#b91c1c}button.secondary,.button.secondary{background:#fff;color:#1f2937;border:1px solid #6b7280}
fieldset{border:1px solid #d1d5db;border-radius:6px;margin-bottom:1rem;padding:.6rem 1rem}
legend{font-weight:700;padding:0 .3rem}
.empty{color:#4b5563;padding:1.5rem;text-align:center;background:#fff;border:1px dashed #9ca3af;border-radius:8px}
.pager{display:flex;gap:1rem;align-items:center;margin:.8rem 0}
.filters{display:flex;gap:.6rem;align-items:flex-end;margin-bottom:.8rem;flex-wrap:wrap}
.filters .field{margin:0}
.badge{display:inline-block;padding:0 .5rem;border-radius:999px;font-size:.85rem;border:1px solid #6b7280}
.badge.active{border-color:#15803d;color:#14532d}.badge.suspended{border-color:#b45309;color:#78350f}
.badge.warn{border-color:#b45309;color:#78350f}.badge.over{border-color:#b91c1c;color:#7f1d1d}
.muted{color:#4b5563}code,.secret{font-family:ui-monospace,monospace;background:#f3f4f6;padding:.1rem .3rem;border-radius:4px;word-break:break-all}
.progress[hidden]{display:none}
svg text{font-family:inherit}
`;
