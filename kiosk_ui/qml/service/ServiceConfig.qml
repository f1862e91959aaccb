import QtQuick
import ".."

// kiosk.toml as loaded, secrets masked (technician.api.Technician.masked_config).
Item {
    id: page
    objectName: "serviceConfig"

    Text {
        id: head
        x: 40; y: 30; width: parent.width - 80
        wrapMode: Text.Wrap
        text: qsTr("Configuration as loaded. Tokens, passwords, keys and PIN hashes are masked.")
        color: Theme.inkSoft
        font { family: Theme.font; pixelSize: 28 }
    }
    Rectangle {
        anchors { left: parent.left; right: parent.right; top: head.bottom; bottom: parent.bottom; margins: 40; topMargin: 20 }
        radius: 12
        color: Theme.card
        border { width: 2; color: Theme.line }
        Flickable {
            id: flick
            objectName: "configText"
            anchors { fill: parent; margins: 20 }
            contentHeight: cfg.height
            clip: true
            Text {
                id: cfg
                width: flick.width
                text: service.configText !== "" ? service.configText : qsTr("Reading…")
                color: Theme.ink
                wrapMode: Text.WrapAnywhere
                textFormat: Text.PlainText
                font { family: "Noto Sans Mono CJK SC"; pixelSize: 24 }
            }
        }
    }
}
