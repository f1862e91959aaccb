import QtQuick
import ".."

// Technician service mode, over everything else. `service` is ServiceModeModel
// (kiosk_ui/service/model.py); these pages only bind and forward taps.
Rectangle {
    id: root
    objectName: "serviceMode"
    color: Theme.page

    // Taps do not fall through to the customer's screen underneath.
    MouseArea { anchors.fill: parent }

    Loader {
        anchors.fill: parent
        source: service.phase === "pin" ? "ServicePin.qml" : service.phase === "open" ? "ServicePages.qml" : ""
    }
}
