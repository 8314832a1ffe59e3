"""Tests of the animation helpers, `convstep.figures.animation`."""

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation

import convstep
from convstep.figures.animation import (
    AnimationOutput,
    conv_forward_animation,
    offline_jshtml,
)

matplotlib.use("Agg")

X = np.arange(25.0).reshape(5, 5) % 7
W = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
ALT = 'A "window" stepping by 2.'


@pytest.fixture(scope="module")
def rendered():
    """One animation, rendered once (a never-rendered one warns)."""
    fig, anim, Z = conv_forward_animation(X, W, 1.0, stride=2, pad=1)
    html = offline_jshtml(anim, alt=ALT)
    yield fig, anim, Z, html
    plt.close(fig)


def test_conv_forward_animation_has_one_frame_per_output_entry(rendered):
    fig, anim, Z, html = rendered

    assert isinstance(fig, matplotlib.figure.Figure)
    assert isinstance(anim, FuncAnimation)
    assert Z.shape == (3, 3)
    assert len(list(anim.new_frame_seq())) == 9
    assert html.count("data:image/png;base64,") == 9


def test_conv_forward_animation_output_is_conv_forward(rendered):
    _, _, Z, _ = rendered
    expected, _ = convstep.conv_forward(
        X[None, :, :, None],
        W[:, :, None, None],
        np.ones((1, 1, 1, 1)),
        {"stride": 2, "pad": 1},
    )

    np.testing.assert_array_equal(Z, expected[0, :, :, 0])


def test_last_frame_writes_every_output_value_and_the_last_window(rendered):
    fig, _, Z, _ = rendered

    input_ax, _, output_ax = fig.axes
    written = [float(t.get_text()) for t in output_ax.texts]
    np.testing.assert_array_equal(written, Z.ravel())
    window = input_ax.patches[-1]
    assert window.get_xy() == (4 - 0.5, 4 - 0.5)
    assert window.get_width() == 3


def test_offline_jshtml_loads_nothing_and_has_alt_text(rendered):
    _, _, _, html = rendered

    assert "https://" not in html
    assert "http://" not in html
    assert '<img alt="A &quot;window&quot; stepping by 2." id=' in html


def test_animation_output_offers_the_player_and_a_printable_frame():
    fig, anim, _ = conv_forward_animation(X, W, 1.0, stride=2, pad=1)

    output = AnimationOutput(fig, anim, alt=ALT)
    plt.close(fig)

    bundle = output._repr_mimebundle_()
    assert bundle["text/html"] == output.html
    assert "https://" not in bundle["text/html"]
    assert bundle["image/png"].startswith(b"\x89PNG")


def test_offline_jshtml_labels_the_frame_slider(rendered):
    _, _, _, html = rendered

    assert html.count('aria-label="Animation frame"') == 1
