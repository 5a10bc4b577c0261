"""The bundled MNIST subset and the prototypes built from it (hopfield_edu.data)."""
import hashlib
import re
import sys
import types
from importlib import resources

import numpy as np
import pytest

from hopfield_edu import data as D


def _raw():
    """The npz read directly, without the module's loader."""
    path = resources.files("hopfield_edu").joinpath("data", "mnist_train_head1000.npz")
    with path.open("rb") as fh, np.load(fh) as npz:
        return np.array(npz["images"]), np.array(npz["labels"])


def _provenance():
    return resources.files("hopfield_edu").joinpath("data", "PROVENANCE.md").read_text(encoding="utf-8")


def test_bundled_file_matches_provenance_sha256():
    text = _provenance()
    documented = re.search(r"sha256 of the file:\s*([0-9a-f]{64})", text).group(1)
    data = resources.files("hopfield_edu").joinpath("data", "mnist_train_head1000.npz").read_bytes()
    assert hashlib.sha256(data).hexdigest() == documented
    assert D.bundled_sha256() == documented


def test_provenance_checks_hold():
    images, labels = D.load_mnist()
    assert images.shape == (1000, 28, 28) and images.dtype == np.uint8
    assert labels.shape == (1000,)
    assert int(images[0].sum(dtype=np.int64)) == 27525
    assert labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    raw_images, raw_labels = _raw()
    np.testing.assert_array_equal(images, raw_images)
    np.testing.assert_array_equal(labels, raw_labels)


def test_first_indices_are_the_known_ones_and_agree_with_labels():
    _, labels = _raw()
    from_labels = {d: int(np.flatnonzero(labels == d)[0]) for d in range(10)}
    assert D.first_indices() == from_labels
    assert [from_labels[d] for d in range(10)] == [1, 3, 5, 7, 2, 0, 13, 15, 17, 4]


def test_first_prototypes_are_binarized_first_images():
    images, labels = _raw()
    protos = D.mnist_prototypes()
    assert list(protos) == list(range(10))
    for d, vec in protos.items():
        idx = int(np.argmax(labels == d))
        expected = np.array([1 if g > 127 else -1 for g in images[idx].ravel()])
        assert vec.shape == (784,)
        np.testing.assert_array_equal(vec, expected)


def test_mean_prototypes_threshold_the_class_mean():
    images, labels = _raw()
    protos = D.mnist_prototypes([3, 8], method="mean")
    assert list(protos) == [3, 8]
    for d in (3, 8):
        mean = images[labels == d].reshape(-1, 784).sum(axis=0) / np.count_nonzero(labels == d)
        np.testing.assert_array_equal(protos[d], np.where(mean > 127, 1, -1))
    # a mean image is not the first image
    assert not np.array_equal(protos[3], D.mnist_prototypes([3])[3])


def test_binarize_threshold_is_strict():
    assert D.binarize(np.array([0, 127, 128, 255])).tolist() == [-1, -1, 1, 1]
    assert D.binarize(np.zeros((2, 28, 28))).shape == (2, 784)
    with pytest.raises(TypeError):
        D.binarize(np.array(["a"]))


def test_examples_of_a_digit():
    images, labels = _raw()
    ex = D.mnist_examples(3, 5)
    assert ex.shape == (5, 784)
    idx = np.flatnonzero(labels == 3)[:5]
    np.testing.assert_array_equal(ex, np.where(images[idx].reshape(5, -1) > 127, 1, -1))
    np.testing.assert_array_equal(ex[0], D.mnist_prototypes([3])[3])
    raw = D.mnist_examples(3, 2, binarized=False)
    assert raw.shape == (2, 28, 28) and raw.dtype == np.uint8
    assert len(D.mnist_examples(8)) == np.count_nonzero(labels == 8)
    with pytest.raises(ValueError, match="keras"):
        D.mnist_examples(3, 10_000)


def test_cache_is_protected_and_results_are_fresh():
    images, _ = D.load_mnist()
    with pytest.raises(ValueError):
        images[0, 0, 0] = 1
    p = D.mnist_prototypes([5])
    p[5][:] = 1
    assert not np.all(D.mnist_prototypes([5])[5] == 1)


@pytest.mark.parametrize("digits, exc", [([10], ValueError), ([-1], ValueError), (["3"], TypeError),
                                         (3, TypeError), ([], ValueError), ([1, 1], ValueError),
                                         ([True], TypeError)])
def test_bad_digits(digits, exc):
    with pytest.raises(exc):
        D.mnist_prototypes(digits)


def test_bad_method_and_source():
    with pytest.raises(ValueError, match="method"):
        D.mnist_prototypes(method="median")
    with pytest.raises(ValueError, match="source"):
        D.mnist_prototypes(source="internet")
    with pytest.raises(ValueError):
        D.mnist_examples(11)


def test_attribution_cites_mnist_authors_and_licence():
    text = D.attribution()
    for needle in ("MNIST", "LeCun", "Cortes", "Burges", "CC BY-SA 3.0", "PROVENANCE.md"):
        assert needle in text


def test_keras_without_tensorflow_says_to_use_bundled(monkeypatch):
    D._load_keras.cache_clear()
    monkeypatch.setitem(sys.modules, "tensorflow", None)  # makes `import tensorflow` fail
    with pytest.raises(D.DataSourceError, match="bundled"):
        D.mnist_prototypes(source="keras")
    D._load_keras.cache_clear()


def test_keras_download_failure_says_to_use_bundled(monkeypatch):
    def load_data():
        raise OSError("Name or service not known")

    fake = types.ModuleType("tensorflow")
    fake.keras = types.SimpleNamespace(datasets=types.SimpleNamespace(
        mnist=types.SimpleNamespace(load_data=load_data)))
    D._load_keras.cache_clear()
    monkeypatch.setitem(sys.modules, "tensorflow", fake)
    with pytest.raises(D.DataSourceError, match="bundled") as info:
        D.load_mnist("keras")
    assert "Name or service not known" in str(info.value)
    D._load_keras.cache_clear()


def test_keras_source_gives_the_same_prototypes():
    pytest.importorskip("tensorflow", reason="TensorFlow is not installed (optional extra 'keras')")
    D._load_keras.cache_clear()
    try:
        images, _ = D.load_mnist("keras")
    except D.DataSourceError as exc:
        pytest.skip(f"MNIST download not possible here: {exc}")
    np.testing.assert_array_equal(images[:1000], D.load_mnist()[0])
    bundled, keras = D.mnist_prototypes(), D.mnist_prototypes(source="keras")
    for d in range(10):
        np.testing.assert_array_equal(bundled[d], keras[d])
