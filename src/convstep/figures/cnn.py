"""Figures of the chapter "Putting it together: a small CNN".

Every function draws what it is given: images, a training history, the
trained parameters or predictions from `convstep.model`. Nothing here
trains or predicts, so the figures show exactly the chapter's run.
"""

import math

import matplotlib.pyplot as plt
import numpy as np

from convstep.figures.grid import WINDOW_COLORS, new_figure


def _image_grid(n_images, n_cols, size=1.1, title_space=0.0):
    """A white figure with a grid of image axes, without ticks."""
    n_rows = math.ceil(n_images / n_cols)
    fig, axes = plt.subplots(
        n_rows,
        n_cols,
        figsize=(size * n_cols, (size + title_space) * n_rows),
        squeeze=False,
        facecolor="white",
        layout="constrained",
    )
    axes = list(axes.ravel())
    for ax in axes:
        ax.set_xticks([])
        ax.set_yticks([])
    for ax in axes[n_images:]:
        ax.set_visible(False)
    return fig, axes[:n_images]


def digits_figure(images, titles, n_cols=10, size=0.75):
    """Draw grey-scale digits in a grid, each with a title.

    Parameters
    ----------
    images : ndarray of shape (n, n_H, n_W) or (n, n_H, n_W, 1)
        Pixel values in [0, 1]; drawn dark on light, like ink.
    titles : sequence of str
        One title per image.
    n_cols : int, default 10
        Images per row.
    size : float, default 0.75
        Width of one image, in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    """
    images = np.asarray(images)
    if images.ndim == 4:
        images = images[..., 0]
    n_cols = min(n_cols, len(images))

    fig, axes = _image_grid(len(images), n_cols, size, title_space=0.25)
    for ax, image, title in zip(axes, images, titles, strict=True):
        ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
        ax.set_title(title, fontsize=9)
    return fig


def history_figure(history):
    """Draw the loss and the accuracy of every epoch.

    Parameters
    ----------
    history : dict of list
        As returned by `convstep.model.train`.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Left, the mean training loss and the test loss per epoch
        (logarithmic axis); right, the training and test accuracy in
        per cent, with the final test accuracy written next to its
        last point.
    """
    epochs = history["epoch"]
    train_color, test_color = WINDOW_COLORS[1], WINDOW_COLORS[0]

    fig, (loss_ax, accuracy_ax) = new_figure(2, 4.2, 3.4)
    loss_ax.semilogy(epochs, history["loss"], "o-", color=train_color,
                     label="training (mean over the epoch)")  # fmt: skip
    loss_ax.semilogy(epochs, history["test_loss"], "s-", color=test_color,
                     label="test (after the epoch)")  # fmt: skip
    loss_ax.set_ylabel("cross-entropy loss")

    train_accuracy = 100 * np.asarray(history["train_accuracy"])
    test_accuracy = 100 * np.asarray(history["test_accuracy"])
    accuracy_ax.plot(epochs, train_accuracy, "o-", color=train_color,
                     label="training")  # fmt: skip
    accuracy_ax.plot(epochs, test_accuracy, "s-", color=test_color,
                     label="test")  # fmt: skip
    accuracy_ax.annotate(
        f"{test_accuracy[-1]:.2f} %",
        (epochs[-1], test_accuracy[-1]),
        xytext=(0, 8),
        textcoords="offset points",
        ha="right",
        fontsize=9,
    )
    accuracy_ax.set_ylabel("accuracy (%)")
    accuracy_ax.set_ylim(max(0.0, min(test_accuracy.min(), 80.0)), 100.5)

    for ax in (loss_ax, accuracy_ax):
        ax.set_xlabel("epoch")
        ax.grid(True, color="#DDDDDD", linewidth=0.6)
        ax.legend(fontsize=8)
    return fig


def filters_figure(W, n_cols=8):
    """Draw every filter of a convolution with one input channel.

    Parameters
    ----------
    W : ndarray of shape (f, f, 1, n_C)
        The filters.
    n_cols : int, default 8
        Filters per row.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One small image per filter on a shared, symmetric colour scale:
        positive weights red, negative blue, zero white; a colour bar
        gives the values.
    """
    W = np.asarray(W)
    if W.ndim != 4 or W.shape[2] != 1:
        raise ValueError(f"`W` must have shape (f, f, 1, n_C), got {W.shape}")
    n_C = W.shape[3]
    limit = float(np.max(np.abs(W)))

    fig, axes = _image_grid(n_C, min(n_cols, n_C), 1.0, title_space=0.2)
    for c, ax in enumerate(axes):
        image = ax.imshow(
            W[:, :, 0, c], cmap="RdBu_r", vmin=-limit, vmax=limit
        )
        ax.set_title(f"filter {c}", fontsize=8)
    fig.colorbar(image, ax=axes, shrink=0.8, label="weight")
    return fig


def feature_maps_figure(image, Z, P, per_row=8):
    """Draw one image and what the first layers make of it.

    Parameters
    ----------
    image : ndarray of shape (n_H, n_W) or (n_H, n_W, 1)
        The input.
    Z : ndarray of shape (n_H, n_W, n_C)
        The convolution's output for that image.
    P : ndarray of shape (n_H_pool, n_W_pool, n_C)
        The output of ReLU and max pooling.
    per_row : int, default 8
        Channels per block of two rows.

    Returns
    -------
    fig : matplotlib.figure.Figure
        Left, the input. Right, blocks of two rows with one column per
        channel: on top the convolution's output on a symmetric red
        (positive) to blue (negative) scale shared by all channels,
        below it the pooled ReLU output on a white-to-black scale
        from 0 up.
    """
    image = np.asarray(image)
    if image.ndim == 3:
        image = image[..., 0]
    n_C = Z.shape[-1]
    per_row = min(per_row, n_C)
    n_blocks = math.ceil(n_C / per_row)
    z_limit = float(np.max(np.abs(Z)))
    p_high = max(float(np.max(P)), 1e-12)

    fig = plt.figure(
        figsize=(1.0 * per_row + 2.2, 2.3 * n_blocks),
        facecolor="white",
        layout="constrained",
    )
    left, right = fig.subfigures(1, 2, width_ratios=(2.0, per_row))
    input_ax = left.subplots()
    input_ax.imshow(image, cmap="gray_r", vmin=0.0, vmax=1.0)
    input_ax.set_title("input", fontsize=9)
    axes = right.subplots(2 * n_blocks, per_row, squeeze=False)
    for ax in [input_ax, *axes.ravel()]:
        ax.set_xticks([])
        ax.set_yticks([])

    for c in range(n_blocks * per_row):
        block, col = divmod(c, per_row)
        z_ax, p_ax = axes[2 * block, col], axes[2 * block + 1, col]
        if c >= n_C:
            z_ax.set_visible(False)
            p_ax.set_visible(False)
            continue
        z_ax.imshow(Z[:, :, c], cmap="RdBu_r", vmin=-z_limit, vmax=z_limit)
        z_ax.set_title(f"channel {c}", fontsize=8)
        p_ax.imshow(P[:, :, c], cmap="gray_r", vmin=0.0, vmax=p_high)
        if col == 0:
            z_ax.set_ylabel("conv", fontsize=8)
            p_ax.set_ylabel("ReLU, pool", fontsize=8)
    return fig


def confusion_matrix(y_true, y_pred, n_classes=10):
    """Count how often each true class was predicted as each class.

    Parameters
    ----------
    y_true, y_pred : ndarray of int, shape (m,)
        True and predicted labels in ``0 .. n_classes - 1``.
    n_classes : int, default 10

    Returns
    -------
    matrix : ndarray of int, shape (n_classes, n_classes)
        ``matrix[t, p]`` is the number of examples of class ``t``
        predicted as ``p``; the diagonal holds the correct ones.

    Examples
    --------
    >>> confusion_matrix(np.array([0, 1, 1]), np.array([0, 0, 1]), 2)
    array([[1, 0],
           [1, 1]])
    """
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (np.asarray(y_true), np.asarray(y_pred)), 1)
    return matrix


def confusion_figure(matrix):
    """Draw a confusion matrix with its counts written in.

    Parameters
    ----------
    matrix : ndarray of int, shape (n_classes, n_classes)
        As returned by `confusion_matrix`.

    Returns
    -------
    fig : matplotlib.figure.Figure
        True class down the side, predicted class along the top. The
        diagonal (correct answers) is shaded blue, the errors off it
        orange; zero cells are left white and blank.
    """
    matrix = np.asarray(matrix)
    n = matrix.shape[0]
    diagonal = np.eye(n, dtype=bool)

    fig, (ax,) = new_figure(width_per_axis=4.6, height=4.4)
    shade = np.zeros((n, n, 3)) + 1.0
    shade[diagonal & (matrix > 0)] = (0.78, 0.87, 0.95)
    shade[~diagonal & (matrix > 0)] = (0.98, 0.78, 0.62)
    ax.imshow(shade)
    for (t, p), count in np.ndenumerate(matrix):
        if count:
            weight = "normal" if t == p else "bold"
            ax.text(p, t, str(count), ha="center", va="center",
                    fontsize=9, fontweight=weight)  # fmt: skip
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.xaxis.set_ticks_position("top")
    ax.xaxis.set_label_position("top")
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    for edge in np.arange(n + 1) - 0.5:
        ax.axhline(edge, color="#BBBBBB", linewidth=0.5)
        ax.axvline(edge, color="#BBBBBB", linewidth=0.5)
    return fig


def mistakes_figure(images, y_true, y_pred, n_cols=6):
    """Draw the misclassified images, titled with both labels.

    Parameters
    ----------
    images : ndarray of shape (n, n_H, n_W, 1)
        All the images that were classified.
    y_true, y_pred : ndarray of int, shape (n,)
        True and predicted labels.
    n_cols : int, default 6
        Images per row.

    Returns
    -------
    fig : matplotlib.figure.Figure
        One image per mistake, in the order of `images`, titled
        "true t, said p". With no mistakes, a note saying so.
    """
    wrong = np.flatnonzero(np.asarray(y_true) != np.asarray(y_pred))
    if wrong.size == 0:
        fig, (ax,) = new_figure(width_per_axis=4.0, height=1.0)
        ax.axis("off")
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        return fig

    titles = [f"true {y_true[i]}, said {y_pred[i]}" for i in wrong]
    return digits_figure(images[wrong], titles, n_cols=n_cols, size=1.2)
