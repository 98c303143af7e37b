import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.js';

const render = (text: string) => renderMarkdown(text).value;

describe('renderMarkdown (remark → rehype → sanitise)', () => {
  it('renders what people write in a section: emphasis, code, lists, links', () => {
    expect(render('The **1.8.3** tag of `checkout` was never pushed.')).toBe(
      '<p>The <strong>1.8.3</strong> tag of <code>checkout</code> was never pushed.</p>',
    );
    expect(render('- one\n- two')).toBe('<ul>\n<li>one</li>\n<li>two</li>\n</ul>');
    expect(render('[PLAT-1](https://tickets.example.com/PLAT-1)')).toBe(
      '<p><a href="https://tickets.example.com/PLAT-1">PLAT-1</a></p>',
    );
  });

  it('keeps raw HTML from records as visible text, never as markup', () => {
    const out = render('Image tag <script>alert(1)</script> and <img src=x onerror=alert(2)> here.');
    expect(out).not.toMatch(/<(script|img)\b/);
    expect(out).toContain('&#x3C;script>alert(1)&#x3C;/script>');
    expect(render('<div onclick="x()">block</div>')).not.toContain('<div');
  });

  it('drops links that are not http, https or mailto, and images', () => {
    expect(render('[click](javascript:alert(1))')).toBe('<p><a>click</a></p>');
    expect(render('[file](data:text/html;base64,PHNjcmlwdD4=)')).toBe('<p><a>file</a></p>');
    expect(render('![pixel](https://tracker.example.com/p.gif)')).toBe('<p></p>');
    expect(render('<mailto:oncall@example.com>')).toContain('href="mailto:oncall@example.com"');
  });
});
