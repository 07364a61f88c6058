/// The style sheet of every HTML report, inside the file: readable on a phone (the text reflows,
/// wide tables scroll in their own box, figures shrink to the width), APA tables (rules, italic
/// captions, right-aligned numbers with tabular figures), and print styles for A4 (a figure
/// taller than the page, each patient's series, is scaled to fit it whole, never sliced).
enum ReportStyle {
    static let css = """
        :root { color-scheme: light; }
        body { font-family: Helvetica, Arial, sans-serif; line-height: 1.45; color: #111; background: #fff;
               max-width: 64rem; margin: 0 auto; padding: 1rem 1.25rem 2rem; }
        h1 { font-size: 1.5rem; margin: .5rem 0 .25rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.2rem; margin: 2rem 0 .5rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
        p.subtitle { font-style: italic; margin: 0 0 .75rem; }
        dl.facts { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem .75rem; margin: .75rem 0; }
        dl.facts dt { font-weight: bold; }
        dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        p.notice { border-left: 4px solid #D55E00; background: #fff3eb; padding: .5rem .75rem; margin: .75rem 0; }
        .table-wrap { overflow-x: auto; margin: 1.5rem 0; }
        table { border-collapse: collapse; font-size: .9rem; font-variant-numeric: tabular-nums; border-bottom: 2px solid #000;
                min-width: min(100%, 24rem); }
        caption { text-align: left; caption-side: top; padding-bottom: .4rem; }
        caption .number, figcaption .number { display: block; font-weight: bold; }
        caption .title, figcaption .title { display: block; font-style: italic; }
        thead th { border-top: 2px solid #000; border-bottom: 1px solid #000; font-weight: normal; vertical-align: bottom; }
        th, td { padding: .2rem .4rem; }
        .left { text-align: left; } .right { text-align: right; } .center { text-align: center; }
        td.number, td.right, td.center { white-space: nowrap; }
        td.indent { padding-left: 1.6rem; }
        tr.section th { text-align: left; font-style: italic; font-weight: normal; padding-top: .6rem; }
        p.note { font-size: .82rem; margin: .4rem 0 0; max-width: 60rem; }
        figure { margin: 1.75rem 0; }
        figcaption { margin-bottom: .4rem; }
        figcaption .file { display: block; font-size: .8rem; color: #444; }
        div.svg svg { display: block; max-width: 100%; height: auto; }
        pre { overflow-x: auto; background: #f6f6f6; padding: .75rem; font-size: .8rem; line-height: 1.3; }
        code { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: .9em; overflow-wrap: anywhere; }
        ul { padding-left: 1.25rem; }
        footer { border-top: 1px solid #bbb; margin-top: 2.5rem; padding-top: .75rem; font-size: .85rem; color: #222; }
        footer h2 { font-size: 1rem; border: none; margin-top: 1rem; }
        code.hash { font-size: .8em; }
        code.option, code .option { white-space: nowrap; }
        @media (max-width: 40rem) {
          body { padding: .5rem .6rem 1.5rem; }
          table { font-size: .8rem; }
          dl.facts { grid-template-columns: minmax(0, 1fr); }
        }
        @media print {
          @page { size: A4; margin: 15mm; }
          body { max-width: none; padding: 0; font-size: 9.5pt; }
          h2 { break-after: avoid; }
          .table-wrap { overflow: visible; }
          table { font-size: 7.5pt; }
          th, td { padding: 1pt 3.5pt; }
          figure { break-inside: avoid; }
          figcaption { break-after: avoid; }
          div.svg svg { width: auto; max-height: 235mm; }
          pre { white-space: pre-wrap; }
        }
        """
}
