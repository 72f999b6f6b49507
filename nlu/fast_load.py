"""Load Rasa's TensorFlow models in seconds instead of minutes.

Rasa 3.6 builds each model's variables by one training step on one example before it loads
the trained weights (`RasaModel.load`). That step runs as a traced graph: measured here, about
a minute per model on two cores, so loading the whole model took 134 s. Run eagerly, the same
step takes ~3 s. The weights are then read from the model file as before, and prediction is
traced as a graph exactly as Rasa does it, so answers are unchanged (tests/nlu/serving).
"""

from typing import Any

import tensorflow as tf
from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel

_rasa_load = RasaModel.load


def _load(
    cls: Any,
    model_file_name: str,
    model_data_example: RasaModelData,
    predict_data_example: RasaModelData | None = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """`RasaModel.load` with the weight-building step run eagerly (see the module's docstring)."""
    if finetune_mode:  # fine-tuning trains on: keep Rasa's own way
        return _rasa_load.__func__(
            cls, model_file_name, model_data_example, predict_data_example, True, *args, **kwargs
        )
    model = cls(*args, **kwargs)
    config = kwargs.get("config", {})
    model.compile(
        optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)), run_eagerly=True
    )
    model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
    model.load_weights(model_file_name)
    model.run_eagerly = bool(config.get(RUN_EAGERLY))  # predict as configured (a graph)
    if predict_data_example:
        model.run_inference(predict_data_example)  # trace prediction now, not on a citizen
    return model


def install() -> None:
    """Make every Rasa model in this process load the fast way."""
    RasaModel.load = classmethod(_load)  # type: ignore[method-assign]
