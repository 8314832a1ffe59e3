"""Figures for the book, drawn from the package's own results.

Each chapter's plotting helpers live in a module of their own; `grid`
holds the drawing primitive they share: a small array drawn as a grid
of numbered cells, with windows outlined. Every helper returns a
`matplotlib.figure.Figure` and draws on a white background, so a figure
stays readable when the site is shown in dark mode.
"""
