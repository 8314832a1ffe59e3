"""Link the book's PDF from the site, when the PDF has been built.

`make pdf` runs the LaTeX builder, which leaves the PDF in
``_build/latex/``, and then builds the site again. This extension gives
pages a ``{pdf-download}`` directive: a link to the PDF when it exists
at build time (the file is copied next to ``index.html``), otherwise a
sentence saying how to make it. A site built by `make book` alone thus
never links to a file it does not have.
"""

import shutil
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective


def built_pdf(app):
    """Path of the PDF the LaTeX builder writes for this book."""
    targetname = app.config.latex_documents[0][1]
    latex_dir = Path(app.outdir).parent / "latex"
    return latex_dir / Path(targetname).with_suffix(".pdf").name


class PdfDownload(SphinxDirective):
    """The "On paper" paragraph: a link to the PDF, or how to build it."""

    def run(self):
        pdf = built_pdf(self.env.app)
        # Re-read this page whenever the PDF appears, changes or goes.
        self.env.note_dependency(str(pdf))

        paragraph = nodes.paragraph()
        paragraph += nodes.strong("", "On paper. ")
        if self.env.app.builder.format != "html":
            paragraph += nodes.Text("This is the PDF of the book, made by ")
            paragraph += nodes.literal("", "make pdf")
            paragraph += nodes.Text(".")
        elif pdf.is_file():
            depth = self.env.docname.count("/")
            size_mib = pdf.stat().st_size / 2**20
            link = nodes.reference(
                "",
                f"the whole book as one PDF ({size_mib:.1f} MiB)",
                refuri="../" * depth + pdf.name,
            )
            paragraph += nodes.Text("Download ")
            paragraph += link
            paragraph += nodes.Text(
                ", with numbered figures and equations, for printing "
                "or reading offline."
            )
        else:
            paragraph += nodes.Text(
                "This copy of the site was built without the PDF; "
            )
            paragraph += nodes.literal("", "make pdf")
            paragraph += nodes.Text(" builds it and links it here.")
        return [paragraph]


def copy_pdf(app, exception):
    """Put the PDF next to index.html at the end of an HTML build."""
    pdf = built_pdf(app)
    if exception is None and app.builder.format == "html" and pdf.is_file():
        shutil.copy2(pdf, Path(app.outdir) / pdf.name)


def setup(app):
    app.add_directive("pdf-download", PdfDownload)
    app.connect("build-finished", copy_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
