"""Bad input gets a clear message and a non-zero exit; a corrupt media file fails only its sample."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_cli, write_text_task


def test_unknown_task_suggests_names(tmp_path: Path) -> None:
    r = run_cli("--model", "dummy", "--tasks", "nlvr_deV", "--output_path", str(tmp_path))
    assert r.returncode == 2
    assert "Unknown task 'nlvr_deV'" in r.stderr and "nlvr_dev" in r.stderr


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("task: broken\ndataset:\n  local: {path: x.jsonl\nprompt: [\n")
    r = run_cli("tasks", "broken", "--include_path", str(tmp_path))
    assert r.returncode == 2
    assert f"{tmp_path / 'broken.yaml'}:" in r.stderr and "malformed YAML" in r.stderr


def test_misspelt_key_names_line_and_closest_key(tmp_path: Path) -> None:
    write_text_task(tmp_path, extra="breakdwn: [category]\n")
    r = run_cli(
        "--model",
        "dummy",
        "--tasks",
        "toy_qa",
        "--include_path",
        str(tmp_path),
        "--output_path",
        str(tmp_path / "out"),
    )
    assert r.returncode == 2
    assert "toy_qa.yaml:13: unknown key 'breakdwn'; did you mean 'breakdown'?" in r.stderr


def test_missing_column_names_task_column_and_columns(tmp_path: Path) -> None:
    folder = write_text_task(tmp_path)
    yaml = folder / "toy_qa.yaml"
    yaml.write_text(yaml.read_text().replace("{{ question }}", "{{ questoin }}"))
    r = run_cli(
        "--model",
        "dummy",
        "--tasks",
        "toy_qa",
        "--include_path",
        str(folder),
        "--output_path",
        str(tmp_path / "out"),
    )
    assert r.returncode == 2
    assert "Task 'toy_qa'" in r.stderr and "questoin" in r.stderr
    assert "Columns that exist: answer, category, qid, question" in r.stderr


def test_unknown_model_argument(tmp_path: Path) -> None:
    r = run_cli(
        "--model", "dummy", "--model_args", "mdoe=echo", "--tasks", "nlvr_dev", "--output_path", str(tmp_path)
    )
    assert r.returncode == 2
    assert "Unknown argument 'mdoe' for model 'dummy'. Did you mean 'mode'?" in r.stderr


def test_unknown_model_suggests(tmp_path: Path) -> None:
    r = run_cli("--model", "dumy", "--tasks", "nlvr_dev", "--output_path", str(tmp_path))
    assert r.returncode == 2 and "Unknown model 'dumy'. Did you mean: dummy?" in r.stderr


def _image_task(folder: Path) -> Path:
    """Three image docs: two real PNGs (from the bundled pack) and one corrupt file."""
    import shutil

    from lmms_eval.tasks.data_root import BUNDLED_DATA

    folder.mkdir(parents=True, exist_ok=True)
    pngs = sorted((BUNDLED_DATA / "nlvr" / "dev" / "images").rglob("*.png"))[:2]
    for i, png in enumerate(pngs):
        shutil.copy(png, folder / f"img{i}.png")
    (folder / "img2.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10)
    with (folder / "docs.jsonl").open("w") as fh:
        for i in range(3):
            fh.write(json.dumps({"id": f"d{i}", "image": f"img{i}.png", "answer": "yes"}) + "\n")
    (folder / "img_task.yaml").write_text(
        "task: img_task\ndataset: {local: {path: ./docs.jsonl}}\ndoc_id: id\n"
        "prompt: {user: [{image: image}, {text: 'Is there a shape? Answer yes or no.'}]}\n"
        "target: '{{ answer }}'\nextractor: yes_no\nmetrics: [accuracy]\n"
    )
    return folder


def test_corrupt_image_is_a_sample_error_and_the_run_goes_on(tmp_path: Path) -> None:
    folder = _image_task(tmp_path / "t")
    args = (
        "--model",
        "dummy",
        "--model_args",
        "mode=constant,response=Yes.",
        "--tasks",
        "img_task",
        "--include_path",
        str(folder),
        "--output_path",
        str(tmp_path / "out"),
    )
    r = run_cli(*args)
    assert r.returncode == 1, r.stderr
    assert "1 of 3 samples failed" in r.stderr
    results = json.loads(next((tmp_path / "out").glob("dummy/*/results.json")).read_text())
    task = results["results"]["img_task"]
    assert (task["n_scored"], task["n_errors"]) == (2, 1)
    assert task["metrics"]["accuracy"]["value"] == 1.0 and task["metrics"]["accuracy"]["n"] == 2
    assert results["status"] == "failed" and "media error" in results["errors"][0]["reason"]
    samples = [
        json.loads(x)
        for x in next((tmp_path / "out").glob("dummy/*/samples_img_task.jsonl")).read_text().splitlines()
    ]
    bad = next(s for s in samples if s["doc_id"] == "d2")
    assert "img2.png" in bad["error"] and bad["scores"] == {} and bad["response"] is None
    # tolerated with --max_errors: exit 0, and only the failed request is retried
    r2 = run_cli(*args, "--max_errors", "1")
    assert r2.returncode == 0, r2.stderr
    assert "0 sent, 2 from the journal, 1 failed" in r2.stdout  # the corrupt file was tried again


def test_wrong_extractor_argument_fails_before_the_model_runs(tmp_path: Path) -> None:
    folder = write_text_task(tmp_path)
    yaml = folder / "toy_qa.yaml"
    yaml.write_text(
        yaml.read_text().replace("extractor: number", "extractor: {name: regex, args: {patern: 'x'}}")
    )
    r = run_cli(
        "--model",
        "dummy",
        "--tasks",
        "toy_qa",
        "--include_path",
        str(folder),
        "--output_path",
        str(tmp_path / "o"),
    )
    assert r.returncode == 2
    assert "extractor 'regex' does not accept args" in r.stderr and "patern" in r.stderr
    assert not (tmp_path / "o" / "journal.sqlite").exists()


def test_corrupt_audio_and_video_are_sample_errors(tmp_path: Path) -> None:
    import shutil

    from lmms_eval.tasks.data_root import BUNDLED_DATA

    folder = tmp_path / "t"
    folder.mkdir()
    shutil.copy(BUNDLED_DATA / "fsdd" / "recordings" / "3_theo_0.wav", folder / "ok.wav")
    shutil.copy(next((BUNDLED_DATA / "synthetic_video" / "clips").glob("*.mp4")), folder / "ok.mp4")
    (folder / "bad.wav").write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt garbage")
    (folder / "bad.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64)
    with (folder / "docs.jsonl").open("w") as fh:
        for i, (wav, mp4) in enumerate((("ok", "ok"), ("bad", "ok"), ("ok", "bad"))):
            fh.write(json.dumps({"id": f"d{i}", "wav": f"{wav}.wav", "mp4": f"{mp4}.mp4"}) + "\n")
    (folder / "av_task.yaml").write_text(
        "task: av_task\ndataset: {local: {path: ./docs.jsonl}}\ndoc_id: id\n"
        "prompt: {user: [{audio: {field: wav, sampling_rate: 16000}}, {video: {field: mp4, num_frames: 4}}, "
        "{text: 'What happens?'}]}\ntarget: 'x'\nmetrics: [exact_match]\n"
    )
    r = run_cli(
        "--model",
        "dummy",
        "--tasks",
        "av_task",
        "--include_path",
        str(folder),
        "--output_path",
        str(tmp_path / "out"),
    )
    assert r.returncode == 1, r.stderr
    results = json.loads(next((tmp_path / "out").glob("dummy/*/results.json")).read_text())
    assert (results["results"]["av_task"]["n_scored"], results["results"]["av_task"]["n_errors"]) == (1, 2)
    samples = [
        json.loads(x)
        for x in next((tmp_path / "out").glob("dummy/*/samples_av_task.jsonl")).read_text().splitlines()
    ]
    by_id = {s["doc_id"]: s for s in samples}
    assert "bad.wav" in by_id["d1"]["error"] and "audio" in by_id["d1"]["error"]
    assert "bad.mp4" in by_id["d2"]["error"] and "video" in by_id["d2"]["error"]
    assert by_id["d0"]["error"] is None and by_id["d0"]["response"] is not None
