import pickle
import subprocess

import requests
import yaml


def export_orders(customer_id, fmt):
    # Shell injection: the customer id reaches a shell.
    subprocess.call("export-orders --customer %s --format %s" % (customer_id, fmt), shell=True)


def load_settings(path):
    with open(path) as f:
        return yaml.load(f)  # arbitrary object construction


def restore_cart(blob):
    return pickle.loads(blob)


def fetch_rates(url):
    rates = requests.get(url, verify=False)
    assert rates.status_code == 200
    return rates.json()


def find_order(cursor, order_id):
    cursor.execute("SELECT * FROM orders WHERE id = '%s'" % order_id)
    return cursor.fetchone()
