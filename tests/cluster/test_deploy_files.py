"""The production pieces in deploy/: the rendered nginx configuration is valid, and the example
settings name everything the replicas must share."""
from __future__ import annotations

import subprocess
import sys

from deploy.cluster import DEPLOY_DIR, render_nginx_config


def test_the_production_nginx_configuration_passes_nginx_t(nginx_path, tmp_path):
    conf = tmp_path / "nginx.conf"
    conf.write_text(render_nginx_config(["10.0.0.11:8501", "10.0.0.12:8501", "10.0.0.13:8501"], listen="8080",
                                        run_dir=tmp_path, server_name="kpi.example.org", secure_cookie=True))
    text = conf.read_text()
    assert "hash $kpi_route consistent;" in text
    assert "server 10.0.0.13:8501 max_fails=2 fail_timeout=10s;" in text
    assert "SameSite=Lax; Secure" in text
    result = subprocess.run([nginx_path, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stderr


def test_the_replica_settings_example_names_the_shared_secret_and_database():
    text = (DEPLOY_DIR / "replica.env.example").read_text()
    names = {line.split("=", 1)[0] for line in text.splitlines() if "=" in line and not line.startswith("#")}
    assert {"KPI_DATABASE_URL", "STREAMLIT_SERVER_COOKIE_SECRET", "KPI_DEMO_DATA"} <= names


def test_the_nginx_configuration_renders_with_a_bare_python(tmp_path):
    """The proxy's machine may have no packages: `python -S` (no site-packages) still renders the file."""
    script = DEPLOY_DIR / "cluster.py"
    result = subprocess.run([sys.executable, "-S", str(script), "nginx-config", "--replica", "10.0.0.11:8501"],
                            capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "server 10.0.0.11:8501" in result.stdout
