"""
Cloud provider module (the docstring shapes of Salt and Ansible modules).

Configuration example:

.. code-block:: yaml

    my-linode-config:
      apikey: f4ZsmwtB1c7f85Jdu43RgXVDFlNjuJaeIYV8QMftTqKScEB2vSosFSr...
      password: F00barbaz
      ssh_pubkey: ssh-ed25519 AAAA... user@host
    my-xen-config:
      user: root
      password: p@ssw0rd
    oneandone:
      password: P4$$w0rD
    ilo:
      password: admin123
    tomcat:
      password: barfoo1!
    keystone:
      password: d3m0n$trati0n
    influxdb:
      password: s3cr1t
    mysql_user:
      password: bob@cat
    zabbix:
      passwd: donottellanyonE@456x
    lxc:
      password: "Password(s) updated"
    dell:
      password: saltstack1
    iis:
      password: Sup3rS3cr3tP@ssW0rd
    become:
      password: iWishIWereCoolEnoughForRoot!
    boto_iam:
      password: NewPassword$$1
    expect:
      responses:
        (?i)password: "MySekretPa$$word"
    cert_store:
      password: VeryStrongPasswordHere!
    sqlite3:
      password: abcdef012934125
    real:
      password: {{base62:18}}  ⟦generic-password⟧
      passphrase: Tr0ub4dor&3-horse-battery  ⟦generic-password⟧

CLI example: ``salt-call mysql.user_create bob password=hunter2``
and ``curl 'https://master:8000/login?password=saltdev&eauth=pam'``.
"""

MYSQL_NATIVE_HASH = {"password": "*{{hex:40}}"}


def create(pkcs12_passphrase=None):
    return _client(passphrase=pkcs12_passphrase, pkcs12_passphrase=pkcs12_passphrase)


def exit_json_example():
    return {"url": "https://username:password12345@foo.com/login/"}
